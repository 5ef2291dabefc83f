/**
 * Rate limits as DynamoDB counters in fixed windows: one item per (limit, key, window), an
 * atomic ADD, and a TTL that sweeps old windows. Keys are hashed so the ephemeral table holds
 * no raw IP addresses.
 */
import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, tableName } from '../store/dynamo.ts';

export interface Limit {
  readonly name: string;
  readonly max: number;
  readonly windowSeconds: number;
}

export const limits = {
  /** NIST SP 800-63B 5.2.2: throttle guessing; per email and IP so one attacker cannot lock out everyone. */
  failedSignIns: { name: 'sign-in-failures', max: 5, windowSeconds: 60 },
  resetMails: { name: 'reset-mails', max: 20, windowSeconds: 3600 },
  /** Wrong second-factor codes; the 10th within a window locks the second step (lambdas/mfa/challenge.ts). */
  wrongCodes: { name: 'wrong-codes', max: 10, windowSeconds: 600 },
  recoveryTries: { name: 'recovery-tries', max: 10, windowSeconds: 3600 },
  confirmationMails: { name: 'confirmation-mails', max: 10, windowSeconds: 3600 },
  /** Codes sent to one phone (keyed by its phoneKey), whoever asks: texts cost money and can harass. */
  phoneCodeSends: { name: 'phone-code-sends', max: 5, windowSeconds: 600 },
} as const satisfies Record<string, Limit>;

const counterKey = (limit: Limit, key: string, now: Date) => {
  const window = Math.floor(epochSeconds(now) / limit.windowSeconds) * limit.windowSeconds;
  const hashed = createHash('sha256').update(key).digest('base64url');
  return {
    key: { pk: `LIMIT#${limit.name}#${hashed}`, sk: String(window) },
    expiresAt: window + limit.windowSeconds,
  };
};

/** How many times the limit was hit in the current window. */
export async function countOf(limit: Limit, key: string, now: Date): Promise<number> {
  const { key: itemKey, expiresAt } = counterKey(limit, key, now);
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('ephemeral'), Key: itemKey }),
  );
  return Item && Item.expiresAt === expiresAt ? Number(Item.count ?? 0) : 0;
}

/** Counts one more; returns the count including this one. */
export async function hit(limit: Limit, key: string, now: Date): Promise<number> {
  const { key: itemKey, expiresAt } = counterKey(limit, key, now);
  const { Attributes } = await documentClient().send(
    new UpdateCommand({
      TableName: tableName('ephemeral'),
      Key: itemKey,
      UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':expires': expiresAt },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.count ?? 1);
}

/** Counts one more and says whether it is still within the limit. */
export async function withinLimit(limit: Limit, key: string, now: Date): Promise<boolean> {
  return (await hit(limit, key, now)) <= limit.max;
}

/** A lock that lasts exactly `seconds` from now (a fixed window could end a moment later). */
export async function lock(name: string, key: string, seconds: number, now: Date): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName('ephemeral'),
      Key: { pk: `LOCK#${name}#${createHash('sha256').update(key).digest('base64url')}`, sk: 'LOCK' },
      UpdateExpression: 'SET expiresAt = :until',
      ExpressionAttributeValues: { ':until': epochSeconds(now) + seconds },
    }),
  );
}

export async function isLocked(name: string, key: string, now: Date): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({
      TableName: tableName('ephemeral'),
      Key: { pk: `LOCK#${name}#${createHash('sha256').update(key).digest('base64url')}`, sk: 'LOCK' },
      ConsistentRead: true,
    }),
  );
  return Boolean(Item && Number(Item.expiresAt) > epochSeconds(now));
}
