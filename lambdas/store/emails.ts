/**
 * A member's emails and the claims that make a confirmed address belong to one account. Every
 * invariant is a condition of the write that could break it, never a read before it: a confirmed
 * email belongs to one account (the claim item), an account keeps exactly one confirmed primary
 * email and at least one confirmed email (counters on the profile), a link works once (its token
 * item is deleted in the same transaction).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type TransactItem, tableName, transact } from './dynamo.ts';
import { eventPut } from './history.ts';
import {
  accountKey,
  claimKey,
  type EmailItem,
  emailKey,
  type HistoryEvent,
  profileKey,
  type TokenItem,
} from './items.ts';
import { sweepAccount } from './profile.ts';
import { consumeToken, tokenPut } from './tokens.ts';

const accounts = () => tableName('accounts');

export async function claimOf(normalized: string): Promise<string | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: claimKey(normalized) }),
  );
  return Item?.accountId as string | undefined;
}

export async function emailsOf(accountId: string): Promise<EmailItem[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accounts(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': 'EMAIL#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as EmailItem[];
}

export async function addEmail(input: {
  accountId: string;
  email: EmailItem;
  tokenHash: string;
  token: TokenItem;
  maxEmails: number;
}): Promise<'ok' | 'limit' | 'already-added'> {
  const failed = await transact([
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(input.accountId),
        UpdateExpression: 'ADD emailCount :one',
        ConditionExpression: 'attribute_exists(pk) AND emailCount < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': input.maxEmails },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...emailKey(input.accountId, input.email.normalized), ...input.email },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: tokenPut(input.tokenHash, input.token) },
  ]);
  if (failed === undefined) return 'ok';
  return failed === 0 ? 'limit' : 'already-added';
}

/** Replaces the link of an unconfirmed email; the old link stops working. */
export async function replaceEmailToken(
  accountId: string,
  normalized: string,
  newHash: string,
  token: TokenItem,
): Promise<'ok' | 'not-pending'> {
  const failed = await transact([
    {
      Update: {
        TableName: accounts(),
        Key: emailKey(accountId, normalized),
        UpdateExpression: 'SET tokenHash = :hash',
        ConditionExpression: 'attribute_exists(pk) AND confirmed = :no',
        ExpressionAttributeValues: { ':hash': newHash, ':no': false },
      },
    },
    { Put: tokenPut(newHash, token) },
  ]);
  return failed === undefined ? 'ok' : 'not-pending';
}

const confirmPendingEmail = (
  accountId: string,
  normalized: string,
  tokenHash: string,
  at: string,
): TransactItem => ({
  Update: {
    TableName: accounts(),
    Key: emailKey(accountId, normalized),
    UpdateExpression: 'SET confirmed = :yes, confirmedAt = :at REMOVE tokenHash, awaitingMove',
    ConditionExpression: 'tokenHash = :hash AND confirmed = :no',
    ExpressionAttributeValues: { ':yes': true, ':no': false, ':at': at, ':hash': tokenHash },
  },
});

const countConfirmed = (accountId: string, delta: number): TransactItem => ({
  Update: {
    TableName: accounts(),
    Key: profileKey(accountId),
    UpdateExpression: 'ADD confirmedEmailCount :delta',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':delta': delta },
  },
});

export async function confirmEmail(input: {
  accountId: string;
  normalized: string;
  tokenHash: string;
  now: Date;
  event: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'email-taken'> {
  const at = input.now.toISOString();
  const failed = await transact([
    consumeToken(input.tokenHash),
    confirmPendingEmail(input.accountId, input.normalized, input.tokenHash, at),
    {
      Put: {
        TableName: accounts(),
        Item: { ...claimKey(input.normalized), accountId: input.accountId, claimedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    countConfirmed(input.accountId, 1),
    { Put: eventPut(input.accountId, input.event) },
  ]);
  if (failed === undefined) return 'ok';
  return failed === 2 ? 'email-taken' : 'link-used';
}

export async function setPrimaryEmail(
  accountId: string,
  normalized: string,
  event: HistoryEvent,
): Promise<'ok' | 'not-confirmed'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: emailKey(accountId, normalized),
        ConditionExpression: 'confirmed = :yes',
        ExpressionAttributeValues: { ':yes': true },
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'SET primaryEmail = :email',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':email': normalized },
      },
    },
    { Put: eventPut(accountId, event) },
  ]);
  return failed === undefined ? 'ok' : 'not-confirmed';
}

/** Never the primary, never the last confirmed email: both are conditions on the profile. */
export async function removeEmail(
  accountId: string,
  email: EmailItem,
  event: HistoryEvent,
): Promise<'ok' | 'primary-or-last' | 'gone'> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: accounts(),
        Key: emailKey(accountId, email.normalized),
        ConditionExpression: 'confirmed = :confirmed',
        ExpressionAttributeValues: { ':confirmed': email.confirmed },
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: email.confirmed
          ? 'ADD emailCount :minus, confirmedEmailCount :minus'
          : 'ADD emailCount :minus',
        ConditionExpression: email.confirmed
          ? 'primaryEmail <> :email AND confirmedEmailCount > :one'
          : 'primaryEmail <> :email',
        ExpressionAttributeValues: {
          ':minus': -1,
          ':email': email.normalized,
          ...(email.confirmed ? { ':one': 1 } : {}),
        },
      },
    },
    { Put: eventPut(accountId, event) },
  ];
  if (email.confirmed) {
    items.push({
      Delete: {
        TableName: accounts(),
        Key: claimKey(email.normalized),
        ConditionExpression: 'accountId = :me',
        ExpressionAttributeValues: { ':me': accountId },
      },
    });
  }
  const failed = await transact(items);
  if (failed === undefined) return 'ok';
  return failed === 1 ? 'primary-or-last' : 'gone';
}

/**
 * The holder of an address releases it to the account that asked for it: the claim changes
 * hands, the holder's email goes, the requester's becomes confirmed, all at once. When it was
 * the holder's only confirmed email, the holder's account is deleted in the same transaction
 * (its leftover items are swept right after).
 */
export async function moveEmail(input: {
  normalized: string;
  tokenHash: string;
  holderAccountId: string;
  requesterAccountId: string;
  deleteHolder: boolean;
  now: Date;
  requesterEvent: HistoryEvent;
  holderEvent: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'holder-changed' | 'requester-changed'> {
  const { normalized, holderAccountId, requesterAccountId } = input;
  const at = input.now.toISOString();
  const holderProfile: TransactItem = input.deleteHolder
    ? {
        Delete: {
          TableName: accounts(),
          Key: profileKey(holderAccountId),
          ConditionExpression: 'confirmedEmailCount = :one AND primaryEmail = :email',
          ExpressionAttributeValues: { ':one': 1, ':email': normalized },
        },
      }
    : {
        Update: {
          TableName: accounts(),
          Key: profileKey(holderAccountId),
          UpdateExpression: 'ADD emailCount :minus, confirmedEmailCount :minus',
          ConditionExpression: 'primaryEmail <> :email AND confirmedEmailCount > :one',
          ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':email': normalized },
        },
      };
  const failed = await transact([
    consumeToken(input.tokenHash),
    {
      Update: {
        TableName: accounts(),
        Key: claimKey(normalized),
        UpdateExpression: 'SET accountId = :to, claimedAt = :at',
        ConditionExpression: 'accountId = :from',
        ExpressionAttributeValues: { ':to': requesterAccountId, ':from': holderAccountId, ':at': at },
      },
    },
    {
      Delete: {
        TableName: accounts(),
        Key: emailKey(holderAccountId, normalized),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    holderProfile,
    confirmPendingEmail(requesterAccountId, normalized, input.tokenHash, at),
    countConfirmed(requesterAccountId, 1),
    { Put: eventPut(requesterAccountId, input.requesterEvent) },
    ...(input.deleteHolder ? [] : [{ Put: eventPut(holderAccountId, input.holderEvent) }]),
  ]);
  if (failed === undefined) {
    if (input.deleteHolder) await sweepAccount(holderAccountId);
    return 'ok';
  }
  if (failed === 0) return 'link-used';
  return failed <= 3 ? 'holder-changed' : 'requester-changed';
}
