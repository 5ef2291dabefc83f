/**
 * DynamoDB operations on second factors, recovery codes and remembered browsers. As with emails,
 * every invariant is a condition: an account that has set up MFA keeps at least one factor
 * (`mfaCount > 1` to remove one), the primary method is never removed, a TOTP step or a recovery
 * code works once (codes sent to a phone: phone-codes.ts).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isId } from '../core/ids.ts';
import {
  committed,
  documentClient,
  epochSeconds,
  ifCondition,
  type TransactItem,
  tableName,
  transact,
} from './dynamo.ts';
import type { Factor } from './factors.ts';
import { eventPut } from './history.ts';
import { accountKey, type HistoryEvent, profileKey } from './items.ts';

const accounts = () => tableName('accounts');
const ephemeral = () => tableName('ephemeral');

export const factorKey = (accountId: string, factorId: string) => ({
  pk: accountKey(accountId),
  sk: `MFA#${factorId}`,
});
export const recoveryKey = (accountId: string, hash: string) => ({
  pk: accountKey(accountId),
  sk: `RECOVERY#${hash}`,
});
export const deviceKey = (accountId: string, hash: string) => ({
  pk: accountKey(accountId),
  sk: `DEVICE#${hash}`,
});
export const setupKey = (accountId: string, kind: string) => ({ pk: `MFASETUP#${accountId}`, sk: kind });

async function partition<T>(accountId: string, prefix: string): Promise<T[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accounts(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as T[];
}

/* ------------------------------------------------------------------ factors */

export const factorsOf = (accountId: string) => partition<Factor>(accountId, 'MFA#');

export async function factorOf(accountId: string, factorId: unknown): Promise<Factor | undefined> {
  if (!isId(factorId)) return undefined;
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: factorKey(accountId, factorId), ConsistentRead: true }),
  );
  return Item as Factor | undefined;
}

/** Adds a factor; the first one becomes the primary method. */
export async function addFactor(
  accountId: string,
  factor: Factor,
  event: HistoryEvent,
): Promise<'ok' | 'gone'> {
  const failed = await transact([
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'ADD mfaCount :one SET mfaPrimary = if_not_exists(mfaPrimary, :id)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':id': factor.factorId },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...factorKey(accountId, factor.factorId), ...factor },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: eventPut(accountId, event) },
  ]);
  return failed === undefined ? 'ok' : 'gone';
}

/** Never the last factor and never the primary one: both are conditions on the profile. */
export async function removeFactor(
  accountId: string,
  factorId: string,
  event: HistoryEvent,
): Promise<'ok' | 'last-or-primary' | 'gone'> {
  const failed = await transact([
    {
      Delete: {
        TableName: accounts(),
        Key: factorKey(accountId, factorId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'ADD mfaCount :minus',
        ConditionExpression: 'mfaCount > :one AND mfaPrimary <> :id',
        ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':id': factorId },
      },
    },
    { Put: eventPut(accountId, event) },
  ]);
  if (failed === undefined) return 'ok';
  return failed === 1 ? 'last-or-primary' : 'gone';
}

export async function setPrimaryFactor(
  accountId: string,
  factorId: string,
  event: HistoryEvent,
): Promise<'ok' | 'gone'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: factorKey(accountId, factorId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'SET mfaPrimary = :id',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':id': factorId },
      },
    },
    { Put: eventPut(accountId, event) },
  ]);
  return failed === undefined ? 'ok' : 'gone';
}

export async function renameFactor(
  accountId: string,
  factorId: string,
  name: string,
): Promise<'ok' | 'gone'> {
  const written = await ifCondition(
    documentClient().send(
      new UpdateCommand({
        TableName: accounts(),
        Key: factorKey(accountId, factorId),
        UpdateExpression: 'SET #name = :name',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': name },
      }),
    ),
  );
  return written ? 'ok' : 'gone';
}

/**
 * Records a use of a factor. With `step`, a TOTP step is usable once: of two requests with the
 * same code, the condition lets one through.
 */
export async function markFactorUsed(
  accountId: string,
  factorId: string,
  at: string,
  step?: { value: number },
  counter?: number,
): Promise<'ok' | 'replayed'> {
  const sets = ['lastUsedAt = :at'];
  const values: Record<string, unknown> = { ':at': at };
  let condition = 'attribute_exists(pk)';
  if (step) {
    sets.push('lastUsedStep = :step');
    condition += ' AND lastUsedStep < :step';
    values[':step'] = step.value;
  }
  if (counter !== undefined) {
    sets.push('#counter = :counter');
    values[':counter'] = counter;
  }
  const written = await ifCondition(
    documentClient().send(
      new UpdateCommand({
        TableName: accounts(),
        Key: factorKey(accountId, factorId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ...(counter !== undefined ? { ExpressionAttributeNames: { '#counter': 'counter' } } : {}),
        ExpressionAttributeValues: values,
      }),
    ),
  );
  return written ? 'ok' : 'replayed';
}

/* ------------------------------------------------------------------ setup in progress */

/** A factor being set up (the TOTP key shown, a code sent to a new phone): 15 minutes. */
export async function putSetup(
  accountId: string,
  kind: string,
  data: Record<string, unknown>,
  expiresAt: number,
) {
  await documentClient().send(
    new PutCommand({ TableName: ephemeral(), Item: { ...setupKey(accountId, kind), ...data, expiresAt } }),
  );
}

export async function setupOf<T>(accountId: string, kind: string, now: Date): Promise<T | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: setupKey(accountId, kind), ConsistentRead: true }),
  );
  return Item && Number(Item.expiresAt) > epochSeconds(now) ? (Item as T) : undefined;
}

export async function endSetup(accountId: string, kind: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: ephemeral(), Key: setupKey(accountId, kind) }));
}

/**
 * Ends a setup and returns what it held, if it was still fresh: deleting it is the use, so of
 * two requests racing with one WebAuthn challenge, exactly one gets it.
 */
export async function takeSetup<T>(accountId: string, kind: string, now: Date): Promise<T | undefined> {
  // The condition makes the delete the single use: of two racing takes, the second fails here
  // rather than trusting that only one delete can see the old item.
  const taken = await ifCondition(
    documentClient().send(
      new DeleteCommand({
        TableName: ephemeral(),
        Key: setupKey(accountId, kind),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );
  const item = taken?.Attributes;
  return item && Number(item.expiresAt) > epochSeconds(now) ? (item as T) : undefined;
}

/* ------------------------------------------------------------------ recovery codes */

/**
 * The new set replaces the old one in one transaction: the old codes die with it. The profile's
 * `recoverySet` names the set in force and the transaction is conditional on it, so of two
 * replacements racing, one wins and the other changes nothing; a set is always the 10 codes of
 * one replacement, and the transaction stays far under DynamoDB's 100 items.
 */
export async function replaceRecoveryCodes(
  accountId: string,
  hashes: readonly string[],
  event: HistoryEvent,
  newSet: string,
): Promise<'ok' | 'changed'> {
  // The set in force first, its codes after: codes read at the same time could be those of a
  // set from before a replacement the profile read already shows (the condition would then hold
  // and the codes of that replacement would stay live beside ours). Read after the profile, the
  // codes are those of the set read, or of a later one, whose replacement fails our condition.
  const profile = await documentClient().send(
    new GetCommand({
      TableName: accounts(),
      Key: profileKey(accountId),
      ProjectionExpression: 'recoverySet',
      ConsistentRead: true,
    }),
  );
  const old = await partition<{ sk: string }>(accountId, 'RECOVERY#');
  const current = profile.Item?.recoverySet as string | undefined;
  const replaced = await committed([
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'SET recoverySet = :new',
        ConditionExpression:
          current === undefined
            ? 'attribute_exists(pk) AND attribute_not_exists(recoverySet)'
            : 'attribute_exists(pk) AND recoverySet = :current',
        ExpressionAttributeValues: {
          ':new': newSet,
          ...(current === undefined ? {} : { ':current': current }),
        },
      },
    },
    ...old.slice(0, 80).map(
      (item): TransactItem => ({
        Delete: { TableName: accounts(), Key: { pk: accountKey(accountId), sk: item.sk } },
      }),
    ),
    ...hashes.map(
      (hash): TransactItem => ({
        Put: { TableName: accounts(), Item: { ...recoveryKey(accountId, hash), hash } },
      }),
    ),
    { Put: eventPut(accountId, event) },
  ]);
  return replaced ? 'ok' : 'changed';
}

export async function recoveryCodesLeft(accountId: string): Promise<number> {
  const { Count } = await documentClient().send(
    new QueryCommand({
      TableName: accounts(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': 'RECOVERY#' },
      Select: 'COUNT',
      ConsistentRead: true,
    }),
  );
  return Count ?? 0;
}

/** Uses a recovery code: deleting it is the use, so of two racing requests exactly one wins. */
export async function useRecoveryCode(
  accountId: string,
  hash: string,
  event: HistoryEvent,
): Promise<boolean> {
  const failed = await transact([
    {
      Delete: {
        TableName: accounts(),
        Key: recoveryKey(accountId, hash),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Put: eventPut(accountId, event) },
  ]);
  return failed === undefined;
}

/* ------------------------------------------------------------------ remembered browsers */

export async function rememberDevice(accountId: string, hash: string, expiresAt: number): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: accounts(), Item: { ...deviceKey(accountId, hash), expiresAt } }),
  );
}

export async function deviceRemembered(accountId: string, hash: string, now: Date): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: deviceKey(accountId, hash), ConsistentRead: true }),
  );
  return Boolean(Item && Number(Item.expiresAt) > epochSeconds(now));
}

export async function forgetDevices(accountId: string): Promise<void> {
  const devices = await partition<{ sk: string }>(accountId, 'DEVICE#');
  await Promise.all(
    devices.map((d) =>
      documentClient().send(
        new DeleteCommand({ TableName: accounts(), Key: { pk: accountKey(accountId), sk: d.sk } }),
      ),
    ),
  );
}
