import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventPut } from '../../../lambdas/store/history.ts';
import type { HistoryEvent } from '../../../lambdas/store/items.ts';

const event: HistoryEvent = {
  type: 'signed-in',
  at: '2025-03-01T12:00:00.000Z',
  device: 'Firefox on Linux',
  place: 'US',
};

describe('a history event', () => {
  beforeEach(() => {
    vi.stubEnv('TABLE_ACCOUNTS', 'accounts-test');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('gets a sort key of its own when other events of the account carry the same instant', () => {
    const keys = Array.from({ length: 1000 }, () => eventPut('account-1', event).Item.sk);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sorts by its time in the member partition and keeps what happened', () => {
    const { TableName, Item } = eventPut('account-1', event);
    expect(TableName).toBe('accounts-test');
    expect(Item.pk).toBe('ACCOUNT#account-1');
    expect(Item.sk.startsWith(`EVENT#${event.at}#`)).toBe(true);
    expect(Item.sk.length).toBeGreaterThan(`EVENT#${event.at}#`.length);
    expect(Item).toMatchObject(event);
  });
});
