/**
 * Bundle size and cold import time of every Lambda in the handlers manifest, built with the very
 * esbuild options the CDK stack uses (lib/cloud/bundling.ts), so what is weighed here is what
 * Lambda loads on a cold start. The shell handlers are held to the platform-shell target; the
 * member handlers, which check passwords with zxcvbn, are measured and reported without one.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor, HANDLER_EXPORT, LAMBDA_NODE_OPTIONS } from '../lib/cloud/bundling.ts';
import { handlerEnvironment } from '../lib/environment.ts';
import { type HandlerName, handlers } from '../lib/routes.ts';
import { type TableName, tables } from '../lib/tables.ts';
import { coldImportTimes } from './lib/cold-import.ts';
import { round1, type Summary, summarize } from './lib/stats.ts';
import type { Suite, SuiteOutcome } from './lib/suite.ts';
import { formatTable, mark } from './lib/table.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BUILD_DIR = join(ROOT, 'bench', '.build');

/** From the platform-shell issue, for the shell handlers only. */
export const TARGETS = { maxKb: 150, maxColdImportMs: 50 } as const;
/**
 * The handlers of the platform shell: the pages and endpoints that must stay small and quick to
 * start. The member handlers (sign-up, sign-in, account) carry zxcvbn's dictionaries (~2 MB) for
 * the new-password check and have no size target (bench/README.md); a handler in neither list
 * is reported without a target too, until someone gives it one here.
 */
export const SHELL_HANDLERS: readonly HandlerName[] = [
  'pages',
  'health',
  'csp-report',
  'workforce-me',
  'not-found',
];
/** At least 10 per the issue; 20 keeps the p90 from being just the worst sample, and costs ~2 s. */
const RUNS = 20;
const WARMUPS = 1;
const TOP = 5;

/**
 * What a Lambda process has when the module loads: the variables the stack sets
 * (handlerEnvironment, with dummy table names), NODE_OPTIONS as handler-functions.ts sets it
 * (source maps are read at load, so they cost import time), and what the runtime itself sets.
 */
const LAMBDA_ENV: Record<string, string> = {
  ...handlerEnvironment({
    stage: 'bench',
    version: 'bench',
    tableNames: Object.fromEntries(tables.map((t) => [t.name, `verity-bench-${t.name}`])) as Record<
      TableName,
      string
    >,
    mailFrom: 'Verity <no-reply@bench.invalid>',
    siteUrl: 'https://bench.invalid',
    pepper: { kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/bench' },
    dataKey: { kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/bench-data' },
    logLevel: 'WARN',
  }),
  NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'verity-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  TZ: 'UTC',
};

export interface Weighed {
  readonly path: string;
  readonly kb: number;
}

export interface BundleResult {
  readonly entry: string;
  readonly bytes: number;
  readonly kb: number;
  readonly gzipKb: number;
  readonly coldImportMs: Summary;
  /** By bytes they contribute to the minified output (esbuild's bytesInOutput), largest first. */
  readonly topInputs: readonly Weighed[];
  /** The same, summed per npm package (`(verity)` for our own code). */
  readonly topPackages: readonly Weighed[];
  /** `shell`: held to TARGETS; `none`: measured and reported only. */
  readonly target: 'shell' | 'none';
  /** Only for handlers with a target. */
  readonly meetsTargets?: { readonly size: boolean; readonly coldImport: boolean };
}

export interface BundleResults {
  readonly targets: typeof TARGETS & { readonly appliesTo: readonly HandlerName[] };
  readonly kbIs: 'KiB (1024 bytes)';
  readonly coldImport: {
    readonly runs: number;
    readonly warmups: number;
    readonly comparedToTarget: 'median';
  };
  readonly handlers: Record<string, BundleResult | { readonly entry: string; readonly error: string }>;
}

export async function measureBundles(): Promise<SuiteOutcome<BundleResults>> {
  const results: BundleResults['handlers'] = {};
  const failures: string[] = [];
  for (const [name, { entry }] of Object.entries(handlers)) {
    process.stdout.write(`  ${name}: building and importing ${RUNS + WARMUPS}x...\n`);
    try {
      results[name] = await measureOne(name, entry);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results[name] = { entry, error: message };
      failures.push(`${name}: ${message}`);
    }
  }
  print(results);
  return {
    results: {
      targets: { ...TARGETS, appliesTo: SHELL_HANDLERS },
      kbIs: 'KiB (1024 bytes)',
      coldImport: { runs: RUNS, warmups: WARMUPS, comparedToTarget: 'median' },
      handlers: results,
    },
    failures,
  };
}

export const bundlesSuite: Suite<BundleResults> = {
  key: 'bundles',
  title: 'Handler bundles: size and cold import',
  run: measureBundles,
};

const isShell = (name: string): boolean => (SHELL_HANDLERS as readonly string[]).includes(name);

async function measureOne(name: string, entry: string): Promise<BundleResult> {
  const outdir = join(BUILD_DIR, name);
  rmSync(outdir, { recursive: true, force: true });
  const outfile = join(outdir, 'index.mjs');
  // absWorkingDir and an absolute entry, as NodejsFunction runs esbuild from the project root.
  const { metafile } = await build({
    ...esbuildOptionsFor(join(ROOT, entry)),
    absWorkingDir: ROOT,
    outfile,
    metafile: true,
  });

  // Kept next to the bundle for https://esbuild.github.io/analyze/ when the top 5 is not enough.
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(metafile));
  const code = readFileSync(outfile);
  const kb = code.length / 1024;
  const times = summarize(
    coldImportTimes({
      url: pathToFileURL(outfile).href,
      exportName: HANDLER_EXPORT,
      env: LAMBDA_ENV,
      runs: RUNS,
      warmups: WARMUPS,
    }),
  );
  const inputs = outputInputs(metafile, outfile);
  return {
    entry,
    bytes: code.length,
    kb: round1(kb),
    gzipKb: round1(gzipSync(code).length / 1024),
    coldImportMs: {
      median: round1(times.median),
      p90: round1(times.p90),
      min: round1(times.min),
      max: round1(times.max),
      runs: times.runs,
    },
    topInputs: heaviest(inputs),
    topPackages: heaviest(byPackage(inputs)),
    ...(isShell(name)
      ? {
          target: 'shell' as const,
          meetsTargets: { size: kb <= TARGETS.maxKb, coldImport: times.median <= TARGETS.maxColdImportMs },
        }
      : { target: 'none' as const }),
  };
}

/** Input path -> bytes it puts in the .mjs (not its source size: minification and tree shaking count). */
function outputInputs(metafile: Metafile, outfile: string): Map<string, number> {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(ROOT, path) === outfile)?.[1];
  if (!output) throw new Error(`metafile has no output ${outfile}`);
  return new Map(Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput]));
}

/** The innermost node_modules folder names the package, so nested copies count to their own name. */
function byPackage(inputs: Map<string, number>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [path, bytes] of inputs) {
    const packages = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    const name = packages.at(-1)?.[1] ?? '(verity)';
    totals.set(name, (totals.get(name) ?? 0) + bytes);
  }
  return totals;
}

function heaviest(weights: Map<string, number>): Weighed[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([path, bytes]) => ({ path, kb: round1(bytes / 1024) }));
}

function print(results: BundleResults['handlers']): void {
  // Shell handlers first, then the ones without a target, each group in manifest order.
  const ordered = Object.entries(results).sort(([a], [b]) => Number(!isShell(a)) - Number(!isShell(b)));
  const rows = ordered.map(([name, r]) =>
    'error' in r
      ? [name, isShell(name) ? 'shell' : 'none', 'error', '', '', '', '', '', '✗']
      : [
          name,
          r.target,
          r.kb.toFixed(1),
          r.gzipKb.toFixed(1),
          r.meetsTargets ? mark(r.meetsTargets.size) : '–',
          r.coldImportMs.median.toFixed(1),
          r.coldImportMs.p90.toFixed(1),
          r.coldImportMs.min.toFixed(1),
          r.meetsTargets ? mark(r.meetsTargets.coldImport) : '–',
        ],
  );
  const right = { align: 'right' } as const;
  console.log(
    formatTable(
      [
        { header: 'handler' },
        { header: 'target' },
        { header: 'KB', ...right },
        { header: 'gzip KB', ...right },
        { header: `≤${TARGETS.maxKb} KB` },
        { header: 'import median ms', ...right },
        { header: 'p90', ...right },
        { header: 'min', ...right },
        { header: `≤${TARGETS.maxColdImportMs} ms` },
      ],
      rows,
    ),
  );
  console.log(
    `\ncold import: ${RUNS} fresh Node ${process.versions.node} processes per handler; target on the median`,
  );
  console.log(
    `target shell: the platform-shell target (≤${TARGETS.maxKb} KB, ≤${TARGETS.maxColdImportMs} ms); none: reported only (the member handlers bundle zxcvbn, see bench/README.md)`,
  );
  console.log('\nlargest contributors, KB in the minified output:');
  const indent = Math.max(...Object.keys(results).map((n) => n.length));
  for (const [name, r] of Object.entries(results)) {
    const label = name.padEnd(indent);
    if ('error' in r) {
      console.log(`${label}  could not measure: ${r.error}`);
      continue;
    }
    console.log(`${label}  packages: ${list(r.topPackages)}`);
    console.log(`${' '.repeat(indent)}  inputs:   ${list(r.topInputs)}`);
  }
}

const list = (items: readonly Weighed[]): string =>
  items.map((i) => `${i.path.replace(/^node_modules\//, '')} ${i.kb}`).join(' · ');
