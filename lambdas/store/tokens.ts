/**
 * The links sent by mail (confirm an email, finish a sign-up, reset a password, move an email,
 * cancel an account reset, delete the account): one item per link in the ephemeral table, keyed
 * by the hash of its secret. A link works once: the transaction that uses it deletes its item
 * under `attribute_exists(pk)`, so of two requests with one link exactly one gets through.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, type TransactItem, tableName, transact } from './dynamo.ts';
import { claimKey, type TokenItem, tokenKey } from './items.ts';

const ephemeral = () => tableName('ephemeral');

/** The write of a new link: `{ Put: tokenPut(...) }` beside what it refers to, or alone. */
export const tokenPut = (hash: string, token: TokenItem) => ({
  TableName: ephemeral(),
  Item: { ...tokenKey(hash), ...token },
});

/**
 * A password reset link for the account that holds this address now: written only if the
 * address's claim still names that account. With no account (`accountId` undefined) the same
 * transaction is sent and its condition cancels it, so that an address without an account costs
 * what one with an account does and writes nothing.
 */
export async function issueResetToken(
  normalized: string,
  accountId: string | undefined,
  hash: string,
  token: TokenItem,
): Promise<'issued' | 'no-account'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: tableName('accounts'),
        Key: claimKey(normalized),
        ConditionExpression: 'accountId = :accountId',
        // Account ids are base64url: with no account, a value no claim can hold.
        ExpressionAttributeValues: { ':accountId': accountId ?? '(no account)' },
      },
    },
    { Put: tokenPut(hash, token) },
  ]);
  return failed === undefined ? 'issued' : 'no-account';
}

/** The use of a link, in the transaction that does what it was sent for. */
export const consumeToken = (hash: string): TransactItem => ({
  Delete: { TableName: ephemeral(), Key: tokenKey(hash), ConditionExpression: 'attribute_exists(pk)' },
});

/** A token that exists and has not expired (TTL deletes late, so expiry is checked here). */
export async function liveToken(hash: string, now: Date): Promise<TokenItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: tokenKey(hash), ConsistentRead: true }),
  );
  const token = Item as TokenItem | undefined;
  return token && token.expiresAt > epochSeconds(now) ? token : undefined;
}

export async function putToken(hash: string, token: TokenItem): Promise<void> {
  await documentClient().send(new PutCommand(tokenPut(hash, token)));
}
