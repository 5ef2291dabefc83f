/**
 * The server's clock, as tests read and move it. The local Verity of a test run stamps every
 * request with the machine's time plus an offset kept in its data folder (lib/local/test-clock.ts),
 * and handlers take "now" from that stamp. A test that needs time to pass (the next authenticator
 * step, the next rate-limit window) moves the clock forward instead of waiting on the wall clock.
 *
 * One server serves every test of a run, and test files may run in parallel workers: the clock
 * only ever moves forward, by as little as a test needs, and no test may count on it standing
 * still. Anything a test compares with the server's idea of now (a fixture's timestamps, the time
 * in a mail) takes `serverNow()`, not `new Date()`.
 */
import { mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { clockOffsetIn, testClockFile } from '../../lib/local/test-clock.ts';

const dataDir = () => inject('verity').dataDir;

/** How far the server's clock is ahead of this machine's, in ms. */
export const clockOffset = (): number => clockOffsetIn(dataDir());

/** What the server takes for now: the time it would stamp on a request sent now. */
export const serverNow = (): Date => new Date(Date.now() + clockOffset());

/** Moves the server's clock `seconds` forward; answers its new now. */
export function advanceClock(seconds: number): Date {
  if (!(seconds >= 0)) throw new Error(`the clock only moves forward, not by ${seconds} s`);
  return moveOffset((offset) => offset + Math.ceil(seconds * 1000));
}

/** Moves the server's clock forward to `at` unless it is there already; answers its new now. */
export function advanceClockTo(at: Date | number): Date {
  return moveOffset((offset) => Math.max(offset, Math.ceil(Number(at) - Date.now())));
}

/**
 * Raises the offset under a lock shared by every worker of the run (a directory made next to the
 * file: making it either succeeds or fails at once), so that two tests moving the clock together
 * both get at least what they asked for, and the gateway only ever reads a whole file (rename).
 */
function moveOffset(next: (offset: number) => number): Date {
  const file = testClockFile(dataDir());
  const lock = `${file}.lock`;
  acquire(lock);
  try {
    const offset = clockOffset();
    const moved = next(offset);
    if (moved > offset) {
      const draft = `${file}.${process.pid}`;
      writeFileSync(draft, String(moved));
      renameSync(draft, file);
    }
  } finally {
    rmdirSync(lock);
  }
  return serverNow();
}

const LOCK_PATIENCE_MS = 5_000;
const blocker = new Int32Array(new SharedArrayBuffer(4));

/** Another worker holds the lock for the few microseconds of a write: try again until it lets go. */
function acquire(lock: string): void {
  const deadline = Date.now() + LOCK_PATIENCE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`the test clock stays locked: remove ${lock}`);
      Atomics.wait(blocker, 0, 0, 1);
    }
  }
}
