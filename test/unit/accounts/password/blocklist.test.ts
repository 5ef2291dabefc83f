import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBreachedPassword } from '../../../../lambdas/accounts/password/blocklist.ts';
import {
  BLOCKLIST_SIZE,
  BLOCKLIST_SOURCE,
  buildBloomFilter,
  GENERATED_BLOCKLIST_MODULE,
  renderBlocklistModule,
  selectBlocklistEntries,
} from '../../../../lambdas/accounts/password/blocklist-build.ts';
import { codePointLength } from '../../../../lambdas/accounts/password/normalize.ts';
import { blocklistFilter } from '../../../../lambdas/generated/password-blocklist.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const SHIPPED = join(ROOT, GENERATED_BLOCKLIST_MODULE);
const sourceDir = dirname(
  createRequire(import.meta.url).resolve(`${BLOCKLIST_SOURCE.npmPackage}/package.json`),
);
/** The source list, most common first (a devDependency: the tests may read it, handlers never do). */
const source = readFileSync(join(sourceDir, BLOCKLIST_SOURCE.file), 'utf8').split(/\r?\n/).filter(Boolean);

describe('the shipped blocklist of breached passwords', () => {
  it('holds at least 100,000 passwords', () => {
    expect(blocklistFilter.entries).toBeGreaterThanOrEqual(100_000);
    expect(selectBlocklistEntries(source, BLOCKLIST_SIZE.entries)).toHaveLength(blocklistFilter.entries);
  });

  it('finds every source password of 12 to 128 characters, the ones the length rule lets through', async () => {
    const long = source.filter((line) => codePointLength(line) >= 12 && codePointLength(line) <= 128);
    expect(long.length).toBeGreaterThan(40_000);
    const missed = [];
    for (const password of long) if (!(await isBreachedPassword(password))) missed.push(password);
    expect(missed).toEqual([]);
  });

  it('finds the 1,000 most common source passwords of 8 characters or more', async () => {
    const common = source.filter((line) => codePointLength(line) >= 8).slice(0, 1000);
    expect(common).toContain('password');
    for (const password of common) expect(await isBreachedPassword(password), password).toBe(true);
  });

  it('compares in NFKC lower case, as it was built', async () => {
    expect(await isBreachedPassword('PASSWORD1234')).toBe(true);
    expect(await isBreachedPassword('ｑｗｅｒｔｙｕｉｏｐ１２３４')).toBe(true);
  });

  it('almost never reports a password that is not on it', async () => {
    // Deterministic pseudo-random passwords: the count is the same on every run.
    let reported = 0;
    const probes = 20_000;
    for (let i = 0; i < probes; i++) {
      const password = createHash('sha256').update(`not breached ${i}`).digest('base64url').slice(0, 16);
      if (await isBreachedPassword(password)) reported++;
    }
    // Expected rate 4.2e-5, so about 1 of 20,000; 5 would mean the filter is far fuller than designed.
    expect(reported).toBeLessThan(5);
  });

  it('is exactly what the build script makes from the source list', () => {
    const rebuilt = renderBlocklistModule(
      buildBloomFilter(selectBlocklistEntries(source, BLOCKLIST_SIZE.entries), BLOCKLIST_SIZE),
    );
    expect(rebuilt === readFileSync(SHIPPED, 'utf8')).toBe(true);
  });
});
