/**
 * The account's profile item (password hash, primary email, the counters that conditions hold
 * the invariants with): reading it, counting failed sign-ins, changing the password, and
 * deleting the account with everything it owns.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../core/ids.ts';
import { deletePartition, documentClient, type TransactItem, tableName, transact } from './dynamo.ts';
import { eventPut, recordEvent } from './history.ts';
import type { PasswordHash } from './items.ts';
import { accountKey, claimKey, type HistoryEvent, type Profile, profileKey } from './items.ts';
import { endAllSessions } from './sessions.ts';
import { consumeToken } from './tokens.ts';
import { identityKey, releaseSsnClaim } from './verification.ts';

const accounts = () => tableName('accounts');

export async function profileOf(accountId: string): Promise<Profile | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: profileKey(accountId), ConsistentRead: true }),
  );
  return Item as Profile | undefined;
}

/** Counts a wrong password against the account; returns the consecutive count. */
export async function recordFailedSignIn(accountId: string, event: HistoryEvent): Promise<number> {
  const [result] = await Promise.all([
    documentClient().send(
      new UpdateCommand({
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'ADD failedSignIns :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
    recordEvent(accountId, event),
  ]);
  return Number(result.Attributes?.failedSignIns ?? 0);
}

export async function changePassword(input: {
  accountId: string;
  password: PasswordHash;
  now: Date;
  event: HistoryEvent;
  /** A reset link: used once, and only if no password change happened since it was made. */
  resetToken?: { hash: string; createdAt: string };
}): Promise<'ok' | 'link-used'> {
  const items: TransactItem[] = [
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(input.accountId),
        UpdateExpression: 'SET password = :password, passwordChangedAt = :at, failedSignIns = :zero',
        ConditionExpression: input.resetToken
          ? 'attribute_exists(pk) AND passwordChangedAt < :made'
          : 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':password': input.password,
          ':at': input.now.toISOString(),
          ':zero': 0,
          ...(input.resetToken ? { ':made': input.resetToken.createdAt } : {}),
        },
      },
    },
    { Put: eventPut(input.accountId, input.event) },
  ];
  if (input.resetToken) items.unshift(consumeToken(input.resetToken.hash));
  return (await transact(items)) === undefined ? 'ok' : 'link-used';
}

/**
 * Deletes the account: profile and email claims in one transaction (the addresses are free
 * again at once), an anonymous audit record beside them; then every other item of the account
 * and its sessions.
 */
export async function deleteAccount(
  accountId: string,
  confirmed: readonly string[],
  now: Date,
  /** The SSN claim of the verified identity read with the emails; none: there must still be none. */
  ssnKey: string | undefined,
): Promise<'ok' | 'gone' | 'changed'> {
  const at = now.toISOString();
  const failed = await transact([
    {
      Delete: {
        TableName: accounts(),
        Key: profileKey(accountId),
        // An email confirmed (or moved) since `confirmed` was read would keep a claim of a
        // deleted account: the caller reads again and retries instead.
        ConditionExpression: 'attribute_exists(pk) AND confirmedEmailCount = :count',
        ExpressionAttributeValues: { ':count': confirmed.length },
      },
    },
    // The SSN is free again with the account; an identity verified since it was read is read on the next try.
    ssnKey
      ? releaseSsnClaim(accountId, ssnKey)
      : {
          ConditionCheck: {
            TableName: accounts(),
            Key: identityKey(accountId),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
    ...confirmed.map(
      (normalized): TransactItem => ({
        Delete: {
          TableName: accounts(),
          Key: claimKey(normalized),
          ConditionExpression: 'accountId = :me',
          ExpressionAttributeValues: { ':me': accountId },
        },
      }),
    ),
    {
      Put: {
        TableName: accounts(),
        Item: { pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${newId()}`, type: 'account-deleted', at },
      },
    },
  ]);
  if (failed !== undefined) return (await profileOf(accountId)) ? 'changed' : 'gone';
  await sweepAccount(accountId);
  return 'ok';
}

/** Every item the account still has, and its sessions: after a transaction deleted its profile. */
export async function sweepAccount(accountId: string): Promise<void> {
  await Promise.all([deletePartition(accounts(), accountKey(accountId)), endAllSessions(accountId)]);
}
