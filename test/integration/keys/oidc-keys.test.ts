/**
 * The OIDC provider's key set in DynamoDB Local, encrypted with the field cipher of `npm start`
 * (the raw AES keyring): made on first use, exactly one set however many loads race for it,
 * nothing readable in the item, and a rotation written only over the version it came from.
 * The tests use a partners table of their own, so that emptying it between tests touches
 * nothing the running Verity holds.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FieldContextMismatch, fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { type OidcKeySet, providerKeys, rotate } from '../../../lambdas/keys/oidc-keys.ts';
import { documentClient } from '../../../lambdas/store/dynamo.ts';
import {
  loadOrCreateKeys,
  OIDC_KEYS_CONTEXT,
  OIDC_KEYS_KEY,
  rotateKeys,
  saveRotated,
} from '../../../lambdas/store/oidc-keys.ts';
import { createTableInput } from '../../../lib/local/bootstrap.ts';
import { tableDefinition } from '../../../lib/tables.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The cipher the handlers build from the environment the run's Verity gives them. */
const ports = { cipher: fieldCipherFromEnvironment() };

const table = `oidc-keys-test-${randomBytes(6).toString('hex')}`;
const partnersVariable = tableDefinition('partners').envVar;
const savedPartners = process.env[partnersVariable];
const dynamodb = new DynamoDBClient({});

beforeAll(async () => {
  await dynamodb.send(new CreateTableCommand(createTableInput(tableDefinition('partners'), table)));
  process.env[partnersVariable] = table;
});
afterAll(async () => {
  process.env[partnersVariable] = savedPartners;
  await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  dynamodb.destroy();
});
beforeEach(async () => {
  await documentClient().send(new DeleteCommand({ TableName: table, Key: OIDC_KEYS_KEY }));
});

async function storedItem(): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table, Key: OIDC_KEYS_KEY, ConsistentRead: true }),
  );
  return Item;
}

async function everyItem(): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items ?? [];
}

describe('the OIDC key set', () => {
  it('is made by the first load, stored as one item, and given to every later load', async () => {
    expect(await storedItem()).toBeUndefined();
    const first = await loadOrCreateKeys(ports, T0);
    expect(first.version).toBe(1);
    expect(await everyItem()).toHaveLength(1);
    const later = await loadOrCreateKeys(ports, at(DAY));
    expect(later).toEqual(first);
    // Usable as it comes back: a current key of each kind, the pairwise secret.
    expect(providerKeys(later).pairwiseSecret).toHaveLength(32);
  });

  it('is one and the same set for ten first loads at once', async () => {
    const loads = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateKeys(ports, T0)));
    const stored = await loadOrCreateKeys(ports, T0);
    for (const set of loads) expect(set).toEqual(stored);
    expect(new Set(loads.map((set) => set.pairwiseSecret)).size).toBe(1);
    expect(await everyItem()).toHaveLength(1);
    expect((await storedItem())?.version).toBe(1);
  });

  it('holds no private key material, no secret and no key id in plain text', async () => {
    const set = await loadOrCreateKeys(ports, T0);
    const item = (await storedItem()) as Record<string, unknown>;
    expect(Object.keys(item).sort()).toEqual(['keys', 'pk', 'sk', 'version']);
    const text = JSON.stringify(item);
    expect(text).not.toContain('"d":');
    for (const secret of [
      set.pairwiseSecret,
      ...set.cookieKeys.map((key) => key.secret),
      ...set.signing.flatMap((key) => [key.kid, key.privateJwk.d as string]),
    ]) {
      expect(text).not.toContain(secret);
    }
    // The base64 of an Encryption SDK message (format version 2), bound to its own context.
    expect(Buffer.from(item.keys as string, 'base64')[0]).toBe(0x02);
    await expect(
      ports.cipher.decrypt(item.keys as string, { ...OIDC_KEYS_CONTEXT, field: 'totp-secret' }),
    ).rejects.toThrow(FieldContextMismatch);
  });

  it('is refused when the version attribute no longer matches the encrypted set', async () => {
    await loadOrCreateKeys(ports, T0);
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: OIDC_KEYS_KEY,
        UpdateExpression: 'SET version = :v',
        ExpressionAttributeValues: { ':v': 7 },
      }),
    );
    await expect(loadOrCreateKeys(ports, T0)).rejects.toThrow(/version 7/);
  });
});

describe('a rotation through the store', () => {
  it('is written only over the version it was made from: a stale rotation loses', async () => {
    const v1 = await loadOrCreateKeys(ports, T0);
    const mine = rotate(v1, at(DAY));
    const stale = rotate(v1, at(DAY));
    expect(await saveRotated(ports, v1, mine)).toBe(true);
    expect(await saveRotated(ports, v1, stale)).toBe(false);
    const stored = await loadOrCreateKeys(ports, at(DAY));
    expect(stored).toEqual(mine);
    expect(stored.version).toBe(2);
  });

  it('must be exactly one version on', async () => {
    const v1 = await loadOrCreateKeys(ports, T0);
    const twice = rotate(rotate(v1, at(DAY)), at(2 * DAY));
    await expect(saveRotated(ports, v1, twice)).rejects.toThrow(RangeError);
    expect((await storedItem())?.version).toBe(1);
  });

  it('rotates a day after the set was made, and not again within the hour', async () => {
    const first = await loadOrCreateKeys(ports, T0);
    const rotated = await rotateKeys(ports, at(DAY));
    expect(rotated.outcome).toBe('rotated');
    expect(rotated.set.version).toBe(2);
    expect(rotated.set.pairwiseSecret).toBe(first.pairwiseSecret);
    expect(rotated.set.signing.filter((key) => key.state === 'next')).toHaveLength(2);
    const again = await rotateKeys(ports, at(DAY + HOUR));
    expect(again).toEqual({ outcome: 'unchanged', set: rotated.set });
  });

  it('has one winner when two runs rotate at once, and both report the winning set', async () => {
    await loadOrCreateKeys(ports, T0);
    await rotateKeys(ports, at(DAY));
    // Both runs read version 2 before either writes: a cipher that holds the first two reads.
    const both = readsHeldUntil(2);
    const runs = await Promise.all([rotateKeys(both, at(2 * DAY)), rotateKeys(both, at(2 * DAY))]);
    expect(runs.map((run) => run.outcome).sort()).toEqual(['lost', 'rotated']);
    const [a, b] = runs as [{ set: OidcKeySet }, { set: OidcKeySet }];
    expect(a.set).toEqual(b.set);
    expect(await loadOrCreateKeys(ports, at(2 * DAY))).toEqual(a.set);
    expect(a.set.version).toBe(3);
  });

  it('is what the worker runs, at the time its schedule fired', async () => {
    const { handler } = await import('../../../lambdas/handlers/key-rotation/handler.ts');
    expect(await handler({ time: T0.toISOString() })).toBe('rotated');
    expect(await handler({ time: at(HOUR).toISOString() })).toBe('unchanged');
    expect(await handler({ time: at(DAY).toISOString() })).toBe('rotated');
    const set = await loadOrCreateKeys(ports, at(DAY));
    expect(set.signing.find((key) => key.state === 'current')?.activatedAt).toBe(at(DAY).toISOString());
  });

  it('makes the set when a run finds none', async () => {
    const run = await rotateKeys(ports, T0);
    expect(run.outcome).toBe('rotated');
    expect(run.set.version).toBe(2);
    expect(await loadOrCreateKeys(ports, T0)).toEqual(run.set);
  });
});

/** The cipher, with its first `count` decrypts held until all of them have arrived. */
function readsHeldUntil(count: number): typeof ports {
  let arrived = 0;
  let release: () => void = () => undefined;
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    cipher: {
      encrypt: (plaintext, context) => ports.cipher.encrypt(plaintext, context),
      async decrypt(ciphertext, context) {
        const plaintext = await ports.cipher.decrypt(ciphertext, context);
        if (arrived < count) {
          arrived += 1;
          if (arrived === count) release();
          await together;
        }
        return plaintext;
      },
    },
  };
}
