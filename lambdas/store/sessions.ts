/**
 * Web sessions: one item per session in the ephemeral table, all of an account's sessions in one
 * partition, so that ending every one of them (a password change, a deleted account) empties one
 * partition. Only the hash of the cookie's secret is stored.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
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

/** The second step is done: AAL2, and a fresh sign-in time for sensitive actions. */
export async function elevateSession(
  session: Pick<SessionItem, 'accountId' | 'keyHash'>,
  at: string,
  /** Written in the same request: the history line that the second step was passed. */
  event?: HistoryEvent,
): Promise<void> {
  const elevate: TransactItem = {
    Update: {
      TableName: ephemeral(),
      Key: sessionKey(session.accountId, session.keyHash),
      UpdateExpression: 'SET aal = :two, signedInAt = :at REMOVE pendingMfa, viaRememberedBrowser',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':two': 2, ':at': at },
    },
  };
  const failed = await transact(event ? [elevate, { Put: eventPut(session.accountId, event) }] : [elevate]);
  if (failed !== undefined) throw new Error('the session ended during the second step');
}

/** Back to AAL1 for a new second step: entering the password again for a sensitive action. */
export async function lowerSession(session: Pick<SessionItem, 'accountId' | 'keyHash'>): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ephemeral(),
      Key: sessionKey(session.accountId, session.keyHash),
      UpdateExpression: 'SET aal = :one, pendingMfa = :challenge',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1, ':challenge': 'challenge' },
    }),
  );
}

export async function endSession(accountId: string, keyHash: string): Promise<void> {
  await documentClient().send(
    new DeleteCommand({ TableName: ephemeral(), Key: sessionKey(accountId, keyHash) }),
  );
}

export async function endAllSessions(accountId: string): Promise<void> {
  await deletePartition(ephemeral(), `SESSIONS#${accountId}`);
}
