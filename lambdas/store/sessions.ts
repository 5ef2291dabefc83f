/**
 * Web sessions: one item per session in the ephemeral table, all of an account's sessions in one
 * partition, so that ending every one of them (a password change, a deleted account) empties one
 * partition. Only the hash of the cookie's secret is stored.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  committed,
  deletePartition,
  documentClient,
  epochSeconds,
  ifCondition,
  type TransactItem,
  tableName,
  transact,
} from './dynamo.ts';
import { eventPut } from './history.ts';
import { type HistoryEvent, profileKey, type SessionItem, sessionKey } from './items.ts';

const accounts = () => tableName('accounts');
const ephemeral = () => tableName('ephemeral');

export async function signIn(input: {
  session: SessionItem;
  event: HistoryEvent;
  clearFailures: boolean;
}): Promise<void> {
  const { session } = input;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: ephemeral(),
        Item: { ...sessionKey(session.accountId, session.keyHash), ...session },
      },
    },
    { Put: eventPut(session.accountId, input.event) },
  ];
  if (input.clearFailures) {
    items.push({
      Update: {
        TableName: accounts(),
        Key: profileKey(session.accountId),
        UpdateExpression: 'SET failedSignIns = :zero',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': 0 },
      },
    });
  }
  const failed = await transact(items);
  if (failed !== undefined) throw new Error('account vanished during sign-in');
}

export async function sessionOf(
  accountId: string,
  keyHash: string,
  now: Date,
): Promise<SessionItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: sessionKey(accountId, keyHash), ConsistentRead: true }),
  );
  const session = Item as SessionItem | undefined;
  return session && session.expiresAt > epochSeconds(now) ? session : undefined;
}

/** Extends the idle timer of a session that still exists. */
export async function renewSession(
  session: Pick<SessionItem, 'accountId' | 'keyHash'>,
  renewal: Pick<SessionItem, 'lastSeenAt' | 'expiresAt'>,
): Promise<void> {
  // Signed out (or every session ended) while this request ran: nothing to extend.
  await ifCondition(
    documentClient().send(
      new UpdateCommand({
        TableName: ephemeral(),
        Key: sessionKey(session.accountId, session.keyHash),
        UpdateExpression: 'SET lastSeenAt = :seen, expiresAt = :expires',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':seen': renewal.lastSeenAt, ':expires': renewal.expiresAt },
      }),
    ),
  );
}

/**
 * Replaces a session by its successor under a new secret (a raise or a fresh password): the old
 * item goes and the new one comes in one transaction, conditional on the old one still being
 * there, so a session ended meanwhile (signed out, every session ended) is not brought back.
 */
export async function replaceSession(
  old: Pick<SessionItem, 'accountId' | 'keyHash'>,
  next: SessionItem,
  /** Written in the same transaction: the history line of the raise. */
  event?: HistoryEvent,
): Promise<'ok' | 'ended'> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: ephemeral(),
        Key: sessionKey(old.accountId, old.keyHash),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    // The key last: an item read back from the table carries its own pk and sk.
    { Put: { TableName: ephemeral(), Item: { ...next, ...sessionKey(next.accountId, next.keyHash) } } },
  ];
  if (event) items.push({ Put: eventPut(old.accountId, event) });
  return (await committed(items)) ? 'ok' : 'ended';
}

export async function endSession(accountId: string, keyHash: string): Promise<void> {
  await documentClient().send(
    new DeleteCommand({ TableName: ephemeral(), Key: sessionKey(accountId, keyHash) }),
  );
}

export async function endAllSessions(accountId: string): Promise<void> {
  await deletePartition(ephemeral(), `SESSIONS#${accountId}`);
}
