/**
 * npm run bench: runs every suite in turn, each printing its own table, and writes
 * bench/results.json (committed, so a diff shows what a change did to size and speed).
 * Missed targets never fail the run; only a suite that could not measure makes it exit 1.
 * `npm run bench -- <key> ...` runs only those suites and prints them; results.json, which says
 * on which machine and when all of its numbers were taken, is written by a full run only.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { accountTimingSuite } from './account-timing.ts';
import { bundlesSuite } from './bundles.ts';
import { dynamodbRequestsSuite } from './dynamodb-requests.ts';
import type { Suite } from './lib/suite.ts';
import { passwordHashSuite } from './password-hash.ts';

/**
 * In this order on purpose: the DynamoDB and account-timing suites start an embedded AWS (a JVM
 * and emulators) and run last, so they cannot disturb the timings of the others.
 */
const allSuites: readonly Suite[] = [
  bundlesSuite,
  passwordHashSuite,
  dynamodbRequestsSuite,
  accountTimingSuite,
];
const only = process.argv.slice(2);
const unknownKeys = only.filter((key) => !allSuites.some((s) => s.key === key));
if (unknownKeys.length > 0) {
  console.error(
    `no suite ${unknownKeys.join(', ')}; the suites are ${allSuites.map((s) => s.key).join(', ')}`,
  );
  process.exit(2);
}
const suites = only.length > 0 ? allSuites.filter((s) => only.includes(s.key)) : allSuites;

const RESULTS_FILE = join(import.meta.dirname, 'results.json');

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
for (const suite of suites) {
  console.log(`\n== ${suite.title} ==\n`);
  try {
    const outcome = await suite.run();
    results[suite.key] = outcome.results;
    failures.push(...outcome.failures.map((f) => `${suite.key}: ${f}`));
  } catch (error) {
    // One suite that cannot run must not cost the others their numbers.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results[suite.key] = { error: message };
    failures.push(`${suite.key}: ${message}`);
  }
}

if (only.length === 0) {
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ date: new Date().toISOString(), machine, ...results }, null, 2)}\n`,
  );
  console.log(`\nwrote ${RESULTS_FILE}`);
} else {
  console.log(`\n${RESULTS_FILE} is written by a full run only (npm run bench)`);
}
if (failures.length > 0) {
  console.error(`\ncould not measure:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exitCode = 1;
}
