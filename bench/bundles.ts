/**
 * Bundle size and cold import time of every Lambda in the handlers manifest, built with the very
 * esbuild options the CDK stack uses (lib/cloud/bundling.ts), so what is weighed here is what
 * Lambda loads on a cold start. Each handler is held to an aim (AIMS): the shell handlers to the
 * platform's (issue 2), the member handlers to issue 7's, the OIDC Lambda to the OIDC issue's
 * (OIDC_AIM: its size, and its import time against bundles of bare oidc-provider made for
 * comparison, COMPARISONS), except `passwords`, which carries the new-password checks so that no
 * other Lambda does. Missing an aim is reported, never fatal.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
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
import type { PreviousResults, Suite, SuiteOutcome } from './lib/suite.ts';
import { formatTable, mark } from './lib/table.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BUILD_DIR = join(ROOT, 'bench', '.build');

export interface Aim {
  readonly maxKb: number;
  readonly maxColdImportMs: number;
  /** Where the numbers come from. */
  readonly from: string;
}

/** What each kind of handler should weigh and take to import, on the bench machine (median). */
export const AIMS = {
  shell: { maxKb: 150, maxColdImportMs: 50, from: 'issue 2 (the platform)' },
  member: { maxKb: 300, maxColdImportMs: 50, from: 'issue 7' },
} as const satisfies Record<string, Aim>;

/**
 * Bundles that are not Verity's Lambdas, built and timed the same way, to hold the OIDC Lambda
 * against: bare oidc-provider behind serverless-http, and the same with Verity's configuration of
 * the provider and its DynamoDB adapter. Keys are their names in results.json.
 */
export const COMPARISONS = {
  'bare oidc-provider': {
    entry: 'bench/entries/bare-oidc-provider.ts',
    what: 'oidc-provider + serverless-http, nothing of Verity',
  },
  'oidc-provider + Verity configuration': {
    entry: 'bench/entries/oidc-provider-verity-configuration.ts',
    what: 'the same + lambdas/oidc/configuration.ts and the DynamoDB adapter, and what they import',
  },
} as const;
type ComparisonName = keyof typeof COMPARISONS;

/**
 * The OIDC Lambda: at most 800 KB, and no slower to import than bare oidc-provider plus what
 * Verity's adapter and configuration add to it, i.e. than the second comparison bundle (median,
 * measured in the same run).
 */
export const OIDC_AIM = {
  maxKb: 800,
  coldImportNoSlowerThan: 'oidc-provider + Verity configuration' satisfies ComparisonName,
  from: 'the OIDC performance issue',
} as const;
export const OIDC_HANDLERS: readonly HandlerName[] = ['oidc'];

export type AimName = keyof typeof AIMS | 'oidc';

/** The pages and endpoints of the platform shell, which must stay small and quick to start. */
export const SHELL_HANDLERS: readonly HandlerName[] = [
  'pages',
  'health',
  'csp-report',
  'workforce-me',
  'not-found',
];
/**
 * Reported without an aim: `passwords` holds every route that sets a new password, and with them
 * zxcvbn's dictionaries and the breached-password blocklist (~2.3 MB), so that no other Lambda
 * carries them (bench/README.md). Every other handler is a member handler, new ones included.
 */
export const UNAIMED_HANDLERS: readonly HandlerName[] = ['passwords'];

export function aimOf(name: string): AimName | 'none' {
  if ((SHELL_HANDLERS as readonly string[]).includes(name)) return 'shell';
  if ((OIDC_HANDLERS as readonly string[]).includes(name)) return 'oidc';
  if ((UNAIMED_HANDLERS as readonly string[]).includes(name)) return 'none';
  return 'member';
}

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
    evidenceBucket: 'verity-bench-evidence',
    // The cloud vendors; records from the sandbox, as a dev stage with recordsVendor=sandbox
    // (without a records vendor the verification handlers refuse to load).
    verificationVendors: 'aws',
    recordsVendor: 'sandbox',
    workforce: {
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench',
      clientId: 'bench-workforce-client',
    },
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
  /** Which of AIMS it is held to; `none`: measured and reported only. */
  readonly aim: AimName | 'none';
  /** Only for handlers with an aim: size against maxKb, the median cold import against maxColdImportMs. */
  readonly meetsAim?: { readonly size: boolean; readonly coldImport: boolean };
  /** The same handler in the results.json this run replaced, for the before/after of a change. */
  readonly previous?: PreviousFigures;
}

export interface PreviousFigures {
  readonly date: string;
  /** Its machine's CPU model; a different one makes the times incomparable, not the sizes. */
  readonly cpu: string | undefined;
  readonly kb: number;
  readonly coldImportMedianMs: number;
}

export interface BundleResults {
  readonly aims: { readonly [A in AimName]: Aim & { readonly appliesTo: readonly string[] } };
  readonly kbIs: 'KiB (1024 bytes)';
  readonly coldImport: {
    readonly runs: number;
    readonly warmups: number;
    readonly comparedToAim: 'median';
  };
  readonly handlers: Record<string, BundleResult | { readonly entry: string; readonly error: string }>;
  /** COMPARISONS, measured as the handlers are; their aim is `none`. */
  readonly comparisons: Record<string, BundleResult | { readonly entry: string; readonly error: string }>;
  /** What each step from bare oidc-provider to the OIDC Lambda adds (KB, median ms). */
  readonly oidcSteps?: {
    readonly verityConfiguration: { readonly kb: number; readonly coldImportMs: number };
    readonly restOfOidcLambda: { readonly kb: number; readonly coldImportMs: number };
  };
}

type Measured = BundleResult | { readonly entry: string; readonly error: string };

export async function measureBundles(previousRun?: PreviousResults): Promise<SuiteOutcome<BundleResults>> {
  const failures: string[] = [];
  const measureAll = async (
    entries: [string, string][],
    aims: Record<AimName, Aim> | undefined,
    previousOf: (name: string) => PreviousFigures | undefined,
  ) => {
    const measured: Record<string, Measured> = {};
    for (const [name, entry] of entries) {
      process.stdout.write(`  ${name}: building and importing ${RUNS + WARMUPS}x...\n`);
      try {
        const previous = previousOf(name);
        measured[name] = { ...(await measureOne(name, entry, aims)), ...(previous ? { previous } : {}) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        measured[name] = { entry, error: message };
        failures.push(`${name}: ${message}`);
      }
    }
    return measured;
  };
  // The comparisons first: the OIDC Lambda's import-time aim is one of them.
  const comparisons = await measureAll(
    Object.entries(COMPARISONS).map(([name, { entry }]) => [name, entry]),
    undefined,
    (name) => previousFigures(previousRun, 'comparisons', name),
  );
  const reference = comparisons[OIDC_AIM.coldImportNoSlowerThan];
  const aims: Record<AimName, Aim> = {
    ...AIMS,
    oidc: {
      maxKb: OIDC_AIM.maxKb,
      maxColdImportMs: reference && 'coldImportMs' in reference ? reference.coldImportMs.median : Number.NaN,
      from: `${OIDC_AIM.from}; import: no slower than "${OIDC_AIM.coldImportNoSlowerThan}", median of this run`,
    },
  };
  const results = await measureAll(
    Object.entries(handlers).map(([name, { entry }]) => [name, entry]),
    aims,
    (name) => previousFigures(previousRun, 'handlers', name),
  );
  const oidcSteps = stepsToOidc(comparisons, results);
  print(results, comparisons, oidcSteps, aims, previousRun);
  const names = Object.keys(handlers);
  const appliesTo = (aim: AimName) => names.filter((name) => aimOf(name) === aim);
  return {
    results: {
      aims: {
        shell: { ...aims.shell, appliesTo: appliesTo('shell') },
        member: { ...aims.member, appliesTo: appliesTo('member') },
        oidc: { ...aims.oidc, appliesTo: appliesTo('oidc') },
      },
      kbIs: 'KiB (1024 bytes)',
      coldImport: { runs: RUNS, warmups: WARMUPS, comparedToAim: 'median' },
      handlers: results,
      comparisons,
      ...(oidcSteps ? { oidcSteps } : {}),
    },
    failures,
  };
}

/** Bare oidc-provider -> + Verity's configuration and adapter -> the OIDC Lambda: what each step adds. */
function stepsToOidc(
  comparisons: Record<string, Measured>,
  results: Record<string, Measured>,
): BundleResults['oidcSteps'] {
  const bare = comparisons['bare oidc-provider'];
  const configured = comparisons['oidc-provider + Verity configuration'];
  const oidc = results.oidc;
  if (!bare || !configured || !oidc || 'error' in bare || 'error' in configured || 'error' in oidc) {
    return undefined;
  }
  const step = (from: BundleResult, to: BundleResult) => ({
    kb: round1(to.kb - from.kb),
    coldImportMs: round1(to.coldImportMs.median - from.coldImportMs.median),
  });
  return { verityConfiguration: step(bare, configured), restOfOidcLambda: step(configured, oidc) };
}

/** The handler's figures in the previous results.json, whichever shape of this suite wrote them. */
function previousFigures(
  previousRun: PreviousResults | undefined,
  group: 'handlers' | 'comparisons',
  name: string,
): PreviousFigures | undefined {
  const handler = (previousRun?.results as Record<string, Record<string, unknown> | undefined> | undefined)?.[
    group
  ]?.[name] as { kb?: unknown; coldImportMs?: { median?: unknown } } | undefined;
  const kb = handler?.kb;
  const median = handler?.coldImportMs?.median;
  if (!previousRun || typeof kb !== 'number' || typeof median !== 'number') return undefined;
  return { date: previousRun.date, cpu: previousRun.cpu, kb, coldImportMedianMs: median };
}

export const bundlesSuite: Suite<BundleResults> = {
  key: 'bundles',
  title: 'Handler bundles: size and cold import, against their aims',
  run: (previous) => measureBundles(previous),
};

/** `aims` undefined: a comparison bundle, measured without an aim. */
async function measureOne(
  name: string,
  entry: string,
  aims: Record<AimName, Aim> | undefined,
): Promise<BundleResult> {
  const aim = aims ? aimOf(name) : 'none';
  const outdir = join(BUILD_DIR, name.replace(/[^\w-]+/g, '-'));
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
    aim,
    ...(aim === 'none' || !aims
      ? {}
      : {
          meetsAim: {
            size: kb <= aims[aim].maxKb,
            coldImport: times.median <= aims[aim].maxColdImportMs,
          },
        }),
  };
}

/** Input path -> bytes it puts in the .mjs (not its source size: minification and tree shaking count). */
function outputInputs(metafile: Metafile, outfile: string): Map<string, number> {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(ROOT, path) === outfile)?.[1];
  if (!output) throw new Error(`metafile has no output ${outfile}`);
  // From the project's node_modules, even when that is a link to a copy elsewhere (a worktree's).
  const named = (path: string) =>
    path.includes('node_modules/') ? path.slice(path.indexOf('node_modules/')) : path;
  return new Map(
    Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [named(path), bytesInOutput]),
  );
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

function print(
  results: Record<string, Measured>,
  comparisons: Record<string, Measured>,
  oidcSteps: BundleResults['oidcSteps'],
  aims: Record<AimName, Aim>,
  previousRun: PreviousResults | undefined,
): void {
  // Shell handlers first, then the member handlers, the OIDC Lambda, the ones without an aim, each
  // in manifest order; then the comparison bundles.
  const order: readonly (AimName | 'none')[] = ['shell', 'member', 'oidc', 'none'];
  const ordered = Object.entries(results).sort(
    ([a], [b]) => order.indexOf(aimOf(a)) - order.indexOf(aimOf(b)),
  );
  const row = (name: string, r: Measured, aimName: AimName | 'none' | 'compare') => {
    const aim = aimName === 'none' || aimName === 'compare' ? undefined : aims[aimName];
    if ('error' in r) return [name, aimName, 'error', '', '', '', '', '', '', '', '', ''];
    return [
      name,
      aimName,
      r.kb.toFixed(1),
      aim ? `≤${aim.maxKb}` : '–',
      r.meetsAim ? mark(r.meetsAim.size) : '–',
      r.coldImportMs.median.toFixed(1),
      aim ? `≤${aim.maxColdImportMs}` : '–',
      r.meetsAim ? mark(r.meetsAim.coldImport) : '–',
      r.coldImportMs.p90.toFixed(1),
      r.coldImportMs.min.toFixed(1),
      r.gzipKb.toFixed(1),
      r.previous ? `${r.previous.kb.toFixed(1)} KB, ${r.previous.coldImportMedianMs.toFixed(1)} ms` : '',
    ];
  };
  const rows = [
    ...ordered.map(([name, r]) => row(name, r, aimOf(name))),
    ...Object.entries(comparisons).map(([name, r]) => row(name, r, 'compare')),
  ];
  const right = { align: 'right' } as const;
  console.log(
    formatTable(
      [
        { header: 'handler' },
        { header: 'aim' },
        { header: 'KB', ...right },
        { header: 'aim KB', ...right },
        { header: 'met' },
        { header: 'import ms', ...right },
        { header: 'aim ms', ...right },
        { header: 'met' },
        { header: 'p90', ...right },
        { header: 'min', ...right },
        { header: 'gzip KB', ...right },
        { header: 'previous run' },
      ],
      rows,
    ),
  );
  const met = ordered.filter(([, r]) => 'meetsAim' in r && r.meetsAim?.size && r.meetsAim.coldImport);
  const aimed = ordered.filter(([name]) => aimOf(name) !== 'none');
  console.log(
    `\n${met.length} of ${aimed.length} handlers with an aim meet both its size and its import time`,
  );
  console.log(
    `cold import: ${RUNS} fresh Node ${process.versions.node} processes per handler, median against the aim; KB = KiB minified`,
  );
  for (const name of order) {
    if (name === 'none') continue;
    const aim = aims[name];
    console.log(`aim ${name}: ≤${aim.maxKb} KB and ≤${aim.maxColdImportMs} ms (${aim.from})`);
  }
  console.log(
    `aim none: reported only (${UNAIMED_HANDLERS.join(', ')}: the new-password checks, see bench/README.md)`,
  );
  for (const [name, { what }] of Object.entries(COMPARISONS)) {
    console.log(`compare: ${name}, for the OIDC Lambda's aim: ${what} (bench/README.md)`);
  }
  if (oidcSteps) {
    const signed = (n: number, unit: string) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} ${unit}`;
    console.log(
      `from bare oidc-provider to the oidc Lambda: Verity's configuration and adapter ${signed(oidcSteps.verityConfiguration.kb, 'KB')}, ${signed(oidcSteps.verityConfiguration.coldImportMs, 'ms')}; the rest of the Lambda (handler, interaction pages, keys, stores) ${signed(oidcSteps.restOfOidcLambda.kb, 'KB')}, ${signed(oidcSteps.restOfOidcLambda.coldImportMs, 'ms')}`,
    );
  }
  if (previousRun) {
    console.log(`previous run: results.json of ${previousRun.date}, before this run replaced it`);
    const cpu = cpus()[0]?.model.trim();
    if (previousRun.cpu !== cpu) {
      console.log(
        `  measured on another machine (${previousRun.cpu ?? 'unknown'}, now ${cpu ?? 'unknown'}): compare its sizes, not its times`,
      );
    }
  }
  console.log('\nlargest contributors, KB in the minified output:');
  const all = { ...results, ...comparisons };
  const indent = Math.max(...Object.keys(all).map((n) => n.length));
  for (const [name, r] of Object.entries(all)) {
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
