/**
 * Sign-ups waiting for their confirmation link (24 hours in the ephemeral table, several per
 * address), and the account that one of them becomes when its link is used. The pending sign-up
 * keeps the hash of its current link: a resend replaces it, and only that link creates the account.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, tableName, transact } from './dynamo.ts';
import { eventPut } from './history.ts';
import {
  claimKey,
  type EmailItem,
  emailKey,
  type HistoryEvent,
  type PendingSignUp,
  type Profile,
  profileKey,
  signUpKey,
  type TokenItem,
} from './items.ts';
import { consumeToken, tokenPut } from './tokens.ts';

const accounts = () => tableName('accounts');
const ephemeral = () => tableName('ephemeral');

/**
 * A pending sign-up and its link, unless the address already belongs to an account: the claim's
 * condition decides, in the same transaction, so that Create account does the same work for an
 * address that has an account as for one that has not (and writes nothing for the first).
 */
export async function createPendingSignUp(
  pending: PendingSignUp,
  token: TokenItem,
): Promise<'created' | 'address-taken'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: tableName('accounts'),
        Key: claimKey(pending.normalized),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: ephemeral(),
        Item: { ...signUpKey(pending.normalized, pending.signUpId), ...pending },
      },
    },
    { Put: tokenPut(pending.tokenHash, token) },
  ]);
  return failed === undefined ? 'created' : 'address-taken';
}

export async function pendingSignUp(normalized: string, signUpId: string, now: Date) {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: signUpKey(normalized, signUpId), ConsistentRead: true }),
  );
  const pending = Item as PendingSignUp | undefined;
  return pending && pending.expiresAt > epochSeconds(now) ? pending : undefined;
}

export async function pendingSignUpsOf(normalized: string, now: Date): Promise<PendingSignUp[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: ephemeral(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': `SIGNUP#${normalized}`, ':now': epochSeconds(now) },
      Limit: 10,
    }),
  );
  return (Items ?? []) as PendingSignUp[];
}

/** A fresh link for a pending sign-up: the old one stops working because its hash is replaced. */
export async function replaceSignUpToken(
  pending: PendingSignUp,
  newHash: string,
  token: TokenItem,
): Promise<'ok' | 'gone'> {
  const failed = await transact([
    {
      Update: {
        TableName: ephemeral(),
        Key: signUpKey(pending.normalized, pending.signUpId),
        UpdateExpression: 'SET tokenHash = :new, expiresAt = :expires',
        ConditionExpression: 'tokenHash = :old',
        ExpressionAttributeValues: {
          ':new': newHash,
          ':old': pending.tokenHash,
          ':expires': token.expiresAt,
        },
      },
    },
    { Put: tokenPut(newHash, token) },
  ]);
  return failed === undefined ? 'ok' : 'gone';
}

/**
 * The sign-up's link was used with the right password: the account comes to exist with its
 * first confirmed email as the primary, in one transaction. Of many sign-ups racing for one
 * address, the claim's condition lets exactly one through.
 */
export async function createAccount(input: {
  pending: PendingSignUp;
  tokenHash: string;
  accountId: string;
  work: boolean;
  now: Date;
  event: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'email-taken'> {
  const { pending, accountId, now } = input;
  const at = now.toISOString();
  const profile: Profile = {
    accountId,
    createdAt: at,
    password: pending.password,
    primaryEmail: pending.normalized,
    emailCount: 1,
    confirmedEmailCount: 1,
    failedSignIns: 0,
    passwordChangedAt: at,
  };
  const email: EmailItem = {
    address: pending.address,
    normalized: pending.normalized,
    confirmed: true,
    work: input.work,
    addedAt: pending.createdAt,
    confirmedAt: at,
  };
  const failed = await transact([
    consumeToken(input.tokenHash),
    {
      Delete: {
        TableName: ephemeral(),
        Key: signUpKey(pending.normalized, pending.signUpId),
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':hash': input.tokenHash },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...claimKey(pending.normalized), accountId, claimedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...profileKey(accountId), ...profile },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: accounts(), Item: { ...emailKey(accountId, pending.normalized), ...email } } },
    { Put: eventPut(accountId, input.event) },
  ]);
  if (failed === undefined) return 'ok';
  return failed === 2 ? 'email-taken' : 'link-used';
}
