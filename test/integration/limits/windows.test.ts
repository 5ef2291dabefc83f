/**
 * No span of a limit's length allows more than its number: the counters of
 * lambdas/limits/counters.ts against DynamoDB Local, at chosen instants (the probe got 18 wrong
 * codes through across a 10-minute boundary, and 10 passwords in 8.8 s across a minute's).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { giveBack, type Limit, limitReached, takeAttempt } from '../../../lambdas/limits/counters.ts';

const limit = (max: number, windowSeconds: number): Limit => ({
  name: `test-${randomUUID()}`,
  max,
  windowSeconds,
});
/** An instant `offsetSeconds` from a window boundary far from now (the tests choose the time). */
const boundary = (windowSeconds: number) => Math.floor(1_900_000_000 / windowSeconds) * windowSeconds;
const at = (epochSeconds: number) => new Date(epochSeconds * 1000);

describe('a limit of N tries in W seconds', () => {
  it('allows no more than N across a window boundary (10 codes in 10 minutes)', async () => {
    const tries = limit(10, 600);
    const edge = boundary(600);
    const granted: boolean[] = [];
    for (let i = 0; i < 9; i++) granted.push((await takeAttempt(tries, 'k', at(edge - 5 + i * 0.1))).granted);
    for (let i = 0; i < 9; i++) granted.push((await takeAttempt(tries, 'k', at(edge + 1 + i))).granted);
    expect(granted.filter(Boolean)).toHaveLength(10);
  });

  it('allows no more than N across a minute boundary (5 passwords a minute)', async () => {
    const tries = limit(5, 60);
    const edge = boundary(60);
    const times = [
      edge - 4,
      edge - 3,
      edge - 2,
      edge - 1,
      edge,
      edge + 1,
      edge + 2,
      edge + 3,
      edge + 4,
      edge + 4.8,
    ];
    const granted = [];
    for (const t of times) granted.push((await takeAttempt(tries, 'k', at(t))).granted);
    expect(granted.filter(Boolean)).toHaveLength(5);
  });

  it('holds for every span of W seconds over a long irregular run', async () => {
    const tries = limit(5, 60);
    const start = boundary(60) - 37;
    const granted: number[] = [];
    let t = start;
    for (let i = 0; i < 120; i++) {
      t += ((i * 7919) % 23) + 0.5; // irregular gaps of 0.5 to 22.5 s
      if ((await takeAttempt(tries, 'k', at(t))).granted) granted.push(t);
    }
    for (const first of granted) {
      const inSpan = granted.filter((g) => g >= first && g < first + 60);
      expect(inSpan.length, `span from ${first - start}`).toBeLessThanOrEqual(5);
    }
    expect(granted.length, 'and it still lets tries through over time').toBeGreaterThan(10);
  });

  it('takes tries sent at once atomically: 30 at once get exactly N', async () => {
    const tries = limit(10, 600);
    const now = at(boundary(600) + 100);
    const results = await Promise.all(Array.from({ length: 30 }, () => takeAttempt(tries, 'k', now)));
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    expect(
      results.filter((r) => r.granted && r.left === 0),
      'one is told it was the last',
    ).toHaveLength(1);
  });

  it('holds when tries arrive out of order around a boundary, as clocks of two servers differ', async () => {
    const tries = limit(5, 60);
    const edge = boundary(60);
    const order = [
      edge + 0.2,
      edge - 0.2,
      edge + 0.3,
      edge - 0.3,
      edge + 0.1,
      edge - 0.1,
      edge + 0.4,
      edge - 0.4,
    ];
    const granted = [];
    for (const t of [...order, ...order]) granted.push((await takeAttempt(tries, 'k', at(t))).granted);
    expect(granted.filter(Boolean)).toHaveLength(5);
  });

  it('gives a right try back, and says how long a refused one waits', async () => {
    const tries = limit(2, 60);
    const now = at(boundary(60) + 10);
    const first = await takeAttempt(tries, 'k', now);
    if (!first.granted) throw new Error('the first try is granted');
    await giveBack(first);
    expect((await takeAttempt(tries, 'k', now)).granted).toBe(true);
    expect((await takeAttempt(tries, 'k', now)).granted).toBe(true);
    const refused = await takeAttempt(tries, 'k', now);
    expect(refused).toEqual({ granted: false, retryAfterSeconds: 110 });
    expect(await limitReached(tries, 'k', now)).toEqual({ retryAfterSeconds: 110 });
    expect(await limitReached(tries, 'other', now)).toBeUndefined();
  });
});
