/**
 * Codes sent to a phone, in the ephemeral table: one item per account and target (a phone being
 * set up, or one phone factor), so "Send another code" replaces the code before it. The item
 * holds only a hash of the code. Using a code is deleting its item under the condition that the
 * hash matches and it has not expired: of two requests with the same code, one deletes it and
 * the other finds nothing, so a code works once even under races.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, ifCondition, tableName } from './dynamo.ts';

export interface PhoneCodeItem {
  readonly codeHash: string;
  /** ISO 8601: when it was sent, so a reload of the sign-in page does not send another. */
  readonly sentAt: string;
  /** Epoch seconds: the code is refused from then on, and TTL sweeps the item later. */
  readonly expiresAt: number;
}

const ephemeral = () => tableName('ephemeral');

export const phoneCodeKey = (accountId: string, target: string) => ({
  pk: `PHONECODE#${accountId}`,
  sk: target,
});

/** Stores a new code for the target; the one before it, if any, stops working. */
export async function putPhoneCode(accountId: string, target: string, code: PhoneCodeItem): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: ephemeral(), Item: { ...phoneCodeKey(accountId, target), ...code } }),
  );
}

/** The code waiting for the target, unless it has expired. */
export async function phoneCodeOf(
  accountId: string,
  target: string,
  now: Date,
): Promise<PhoneCodeItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: phoneCodeKey(accountId, target), ConsistentRead: true }),
  );
  return Item && Number(Item.expiresAt) > epochSeconds(now) ? (Item as PhoneCodeItem) : undefined;
}

/**
 * Uses the code: `used` exactly once per sent code. `expired` when the code was right but its
 * 10 minutes are over (the member needs a new one, not another guess); `wrong` otherwise,
 * including a code that another request has just used.
 */
export async function usePhoneCode(
  accountId: string,
  target: string,
  codeHash: string,
  now: Date,
): Promise<'used' | 'wrong' | 'expired'> {
  const key = phoneCodeKey(accountId, target);
  const used = await ifCondition(
    documentClient().send(
      new DeleteCommand({
        TableName: ephemeral(),
        Key: key,
        ConditionExpression: 'codeHash = :hash AND expiresAt > :now',
        ExpressionAttributeValues: { ':hash': codeHash, ':now': epochSeconds(now) },
      }),
    ),
  );
  if (used) return 'used';
  // Only on the failure path: was it the right code, too late?
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: key, ConsistentRead: true }),
  );
  return Item?.codeHash === codeHash ? 'expired' : 'wrong';
}
