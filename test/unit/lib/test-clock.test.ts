import { describe, expect, it } from 'vitest';
import { parseClockOffset, requestClock, testClockFile } from '../../../lib/local/test-clock.ts';

const MACHINE = 1_800_000_000_000;
const dataDir = '/data/verity';

/** A data folder whose offset file says `text` (undefined: no file), and the reads of it. */
function offsetFile(text: string | undefined) {
  const reads: string[] = [];
  const file = { text };
  const read = (path: string) => {
    reads.push(path);
    return file.text;
  };
  return { file, reads, read };
}

describe("the local gateway's request clock", () => {
  it('is the machine clock without VERITY_TEST_CLOCK, whatever the offset file says', () => {
    const { read, reads } = offsetFile('60000');
    for (const env of [{}, { VERITY_TEST_CLOCK: '0' }, { VERITY_TEST_CLOCK: 'true' }]) {
      const clock = requestClock({ env, dataDir, now: () => MACHINE, read });
      expect(clock(), JSON.stringify(env)).toBe(MACHINE);
    }
    expect(reads, 'the file is not even read').toEqual([]);
  });

  it('adds the offset in the data folder under VERITY_TEST_CLOCK=1, read afresh for every request', () => {
    const { file, read, reads } = offsetFile('30000');
    const clock = requestClock({ env: { VERITY_TEST_CLOCK: '1' }, dataDir, now: () => MACHINE, read });
    expect(clock()).toBe(MACHINE + 30_000);
    file.text = '90000\n';
    expect(clock()).toBe(MACHINE + 90_000);
    expect(reads).toEqual([testClockFile(dataDir), testClockFile(dataDir)]);
    expect(testClockFile(dataDir)).toBe('/data/verity/test-clock-offset');
  });

  it('is the machine clock under VERITY_TEST_CLOCK=1 while there is no offset file', () => {
    const { read } = offsetFile(undefined);
    const clock = requestClock({ env: { VERITY_TEST_CLOCK: '1' }, dataDir, now: () => MACHINE, read });
    expect(clock()).toBe(MACHINE);
  });
});

describe('the offset file', () => {
  it('holds whole milliseconds', () => {
    expect(parseClockOffset('0')).toBe(0);
    expect(parseClockOffset('30000')).toBe(30_000);
    expect(parseClockOffset(' 45000\n')).toBe(45_000);
  });

  it('counts as 0 when absent or malformed: never backwards, never a fraction, never absurd', () => {
    for (const text of [
      undefined,
      '',
      'soon',
      '-30000',
      '1.5',
      '1e6',
      '0x10',
      '30000 ms',
      '12\n34',
      '9'.repeat(17),
    ]) {
      expect(parseClockOffset(text), String(text)).toBe(0);
    }
    expect(parseClockOffset(String(400 * 24 * 3600 * 1000)), 'more than a year').toBe(0);
  });
});
