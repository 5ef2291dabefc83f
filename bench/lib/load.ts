/**
 * Load over HTTP with autocannon, from a child process (bench/lib/load-child.ts): a load
 * generator in the server's own process would share its event loop and add its own work to
 * every latency. One run at a time; the child is given the plan on stdin and answers one line.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'load-child.ts');

export interface LoadPlan {
  /** Origin, `http://127.0.0.1:port`. */
  readonly url: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly connections: number;
  /** The run ends at this many seconds, or earlier when `bodies` are all sent. */
  readonly durationSeconds: number;
  /** One body per request, each sent once (single-use codes). */
  readonly bodies?: readonly string[];
  /**
   * Bodies from a pool of tokens: `template` with `{token}` replaced by one from the pool, and the
   * answer's `field` back into the pool (rotating refresh tokens, each used once, chained).
   */
  readonly chain?: { readonly template: string; readonly seeds: readonly string[]; readonly field: string };
  /** Keep this field of the first 2xx answers (tokens for a later run). */
  readonly collect?: string;
}

export interface LoadOutcome {
  /** 2xx answers. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests sent after the bodies or the pool ran out (answered 4xx, counted in non2xx). */
  readonly exhausted: number;
  /** From the first request to the last answer. */
  readonly elapsedMs: number;
  /** 2xx answers per second over elapsedMs. */
  readonly requestsPerSecond: number;
  /** Every answer's time, client side. */
  readonly latencyMs: {
    readonly p50: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  };
  readonly collected?: readonly string[];
  /** Status and start of the body of the first non-2xx answer, to say what went wrong. */
  readonly firstFailure?: string;
}

export function runLoad(plan: LoadPlan): Promise<LoadOutcome> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const line = /^BENCH_LOAD=(.*)$/m.exec(stdout)?.[1];
      if (code !== 0 || !line) {
        fail(new Error(`load generator failed (exit ${code}): ${stderr.trim().slice(-500)}`));
        return;
      }
      ok(JSON.parse(line) as LoadOutcome);
    });
    child.stdin.end(JSON.stringify(plan));
  });
}
