import { describe, expect, it } from 'vitest';
import { transactionOutcome } from '../../../lambdas/store/dynamo.ts';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('a cancelled transaction', () => {
  it('names the item whose condition failed', () => {
    expect(transactionOutcome(cancelled('None', 'ConditionalCheckFailed', 'None'))).toEqual({
      kind: 'condition',
      index: 1,
    });
  });

  it('is a conflict to retry when another transaction held an item and no condition failed', () => {
    expect(transactionOutcome(cancelled('None', 'TransactionConflict'))).toEqual({ kind: 'conflict' });
  });

  it('reports a failed condition before a conflict: the invariant decides, not the timing', () => {
    expect(transactionOutcome(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toEqual({
      kind: 'condition',
      index: 1,
    });
  });

  it('is anything else for other errors, which are not retried', () => {
    expect(transactionOutcome(cancelled('ThrottlingError'))).toEqual({ kind: 'other' });
    expect(transactionOutcome(new Error('network'))).toEqual({ kind: 'other' });
  });
});
