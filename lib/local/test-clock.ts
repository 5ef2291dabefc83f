/**
 * The clock the local gateway stamps on events (`requestContext.timeEpoch`), which handlers take
 * "now" from. It is the machine's clock, except under the test harness: a local Verity started
 * with `VERITY_TEST_CLOCK=1` (test/support/local-verity.ts, never `npm start`) reads an offset in
 * milliseconds from `<VERITY_DATA_DIR>/test-clock-offset` on every request, so that tests can move
 * time forward (the next authenticator step, the next rate-limit window) instead of waiting for
 * it. Nothing in a request can move it, and in the cloud API Gateway stamps the time itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_CLOCK_VARIABLE = 'VERITY_TEST_CLOCK';

export const testClockFile = (dataDir: string) => join(dataDir, 'test-clock-offset');

/** Far enough for any test; anything beyond is a mistake, not a clock. */
const MAX_OFFSET_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * The offset a file's text says: whole milliseconds, forward only. An absent file (undefined)
 * and anything malformed mean 0.
 */
export function parseClockOffset(text: string | undefined): number {
  const trimmed = text?.trim() ?? '';
  if (!/^\d{1,16}$/.test(trimmed)) return 0;
  const offset = Number(trimmed);
  return offset <= MAX_OFFSET_MS ? offset : 0;
}

/** The text of the offset file, or undefined when there is none (or it cannot be read). */
export function readClockOffsetFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The offset in force now, as the gateway reads it. */
export const clockOffsetIn = (dataDir: string): number =>
  parseClockOffset(readClockOffsetFile(testClockFile(dataDir)));

export interface RequestClockOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  /** The machine's clock, in ms. */
  readonly now?: () => number;
  /** Reads the offset file: its text, or undefined when absent. */
  readonly read?: (file: string) => string | undefined;
}

/** What the gateway calls for each request's time, in ms since the epoch. */
export function requestClock(options: RequestClockOptions): () => number {
  const now = options.now ?? Date.now;
  if (options.env[TEST_CLOCK_VARIABLE] !== '1') return now;
  const read = options.read ?? readClockOffsetFile;
  const file = testClockFile(options.dataDir);
  return () => now() + parseClockOffset(read(file));
}
