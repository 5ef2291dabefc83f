/**
 * npm run bench: runs every suite in turn, each printing its own table, and writes
 * bench/results.json (committed, so a diff shows what a change did to size and speed).
 * `npm run bench -- bundles` runs only the suites named (by key); the others keep their entries
 * in results.json. Missed targets never fail the run; only a suite that could not measure, or
 * an unknown suite name, makes it exit 1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { accountTimingSuite } from './account-timing.ts';
import { bundlesSuite } from './bundles.ts';
import { dynamodbRequestsSuite } from './dynamodb-requests.ts';
import type { Suite } from './lib/suite.ts';
import { oidcSuite } from './oidc.ts';
import { passwordHashSuite } from './password-hash.ts';
import { verificationSuite } from './verification.ts';

/**
 * In this order on purpose: the DynamoDB, verification, account-timing and OIDC suites start an
 * embedded AWS (a JVM and emulators) and run last, so they cannot disturb the timings of the others.
 */
const allSuites: readonly Suite[] = [
  bundlesSuite,
  passwordHashSuite,
  dynamodbRequestsSuite,
  verificationSuite,
  accountTimingSuite,
  oidcSuite,
];
const suites = allSuites;

const RESULTS_FILE = join(import.meta.dirname, 'results.json');

const asked = process.argv.slice(2);
const unknown = asked.filter((key) => !suites.some((suite) => suite.key === key));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; the suites are ${suites.map((s) => s.key).join(', ')}`);
  process.exit(1);
}
const selected = asked.length > 0 ? suites.filter((suite) => asked.includes(suite.key)) : suites;

/** The file this run replaces: suites show their change against it, and a partial run keeps the rest. */
const previous: Record<string, unknown> = existsSync(RESULTS_FILE)
  ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>)
  : {};

const cpuList = cpus();
const machine = {
  cpu: cpuList[0]?.model.trim() ?? 'unknown',
  cores: cpuList.length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  platform: `${process.platform}-${process.arch}`,
  node: process.version,
  /** Timings from a busy machine (a synth or a test run alongside) read high: this says whether it was. */
  loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
};
if (machine.loadAverage1m > machine.cores / 2) {
  console.warn(
    `note: load average ${machine.loadAverage1m} on ${machine.cores} cores: timings will read high`,
  );
}
if (!process.version.startsWith('v22.')) {
  console.warn(
    `warning: running on Node ${process.version}, not the Node 22 that Lambda runs; use npm run bench`,
  );
}

const results: Record<string, unknown> = {};
const failures: string[] = [];
for (const suite of selected) {
  console.log(`\n== ${suite.title} ==\n`);
  try {
    const cpu = (previous.machine as { cpu?: unknown } | undefined)?.cpu;
    const before =
      typeof previous.date === 'string' && suite.key in previous
        ? {
            date: previous.date,
            cpu: typeof cpu === 'string' ? cpu : undefined,
            results: previous[suite.key],
          }
        : undefined;
    const outcome = await suite.run(before);
    results[suite.key] = outcome.results;
    failures.push(...outcome.failures.map((f) => `${suite.key}: ${f}`));
  } catch (error) {
    // One suite that cannot run must not cost the others their numbers.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results[suite.key] = { error: message };
    failures.push(`${suite.key}: ${message}`);
  }
}

// A partial run keeps the other suites' entries; `suites` says which ones this date and machine measured.
const bySuite = Object.fromEntries(
  suites
    .map((suite) => [suite.key, suite.key in results ? results[suite.key] : previous[suite.key]] as const)
    .filter(([, entry]) => entry !== undefined),
);
const measured = selected.map((suite) => suite.key);
writeFileSync(
  RESULTS_FILE,
  `${JSON.stringify({ date: new Date().toISOString(), machine, suites: measured, ...bySuite }, null, 2)}\n`,
);
console.log(`\nwrote ${RESULTS_FILE}`);
if (failures.length > 0) {
  console.error(`\ncould not measure:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exitCode = 1;
}
