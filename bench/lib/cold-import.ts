/**
 * Cold import time of one module: a fresh Node process per sample, timing `await import(url)`
 * from inside the child, so process start-up and the timer's own spawn cost are not counted.
 * Children run one after another: two at once would compete for the same cores and measure
 * the machine, not the bundle.
 */
import { spawnSync } from 'node:child_process';

/** The child times the import, then checks that it got a Lambda handler, not just a module. */
const CHILD = `
const started = performance.now();
const mod = await import(process.argv[1]);
const ms = performance.now() - started;
if (typeof mod[process.argv[2]] !== 'function') throw new Error('no exported function ' + process.argv[2]);
process.stdout.write('\\nBENCH_IMPORT_MS=' + ms + '\\n');
`;

export interface ColdImportOptions {
  readonly url: string;
  /** The export that Lambda calls; the sample fails if it is missing. */
  readonly exportName: string;
  /** The child's whole environment: nothing is inherited from the shell running the bench. */
  readonly env: Record<string, string>;
  readonly runs: number;
  /** Samples taken first and thrown away (file cache, first-spawn costs). */
  readonly warmups: number;
}

export function coldImportTimes(options: ColdImportOptions): number[] {
  const samples: number[] = [];
  for (let i = 0; i < options.warmups + options.runs; i++) {
    const ms = importOnce(options);
    if (i >= options.warmups) samples.push(ms);
  }
  return samples;
}

function importOnce({ url, exportName, env }: ColdImportOptions): number {
  // process.execPath: the Node that runs the bench is the pinned Node 22, same major as Lambda's.
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, url, exportName], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const match = /^BENCH_IMPORT_MS=([\d.]+)$/m.exec(child.stdout ?? '');
  if (child.status !== 0 || !match) {
    // Node prints the source line and a caret before the error itself; the error line is what helps.
    const stderr = child.stderr.trim();
    const why =
      child.error?.message ?? (/^\w*Error\b.*$/m.exec(stderr)?.[0] || stderr || `exit ${child.status}`);
    throw new Error(`importing ${url} failed: ${why}`);
  }
  return Number(match[1]);
}
