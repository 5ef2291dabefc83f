/**
 * Rate limits and lockouts as DynamoDB counters that are taken BEFORE the guarded work runs
 * (a password checked, a code compared, a mail sent): one conditional update that refuses past
 * the limit, so 30 requests sent at once get no more tries than 30 sent one by one.
 *
 * "At most `max` in any span of `windowSeconds`" is held with two fixed windows: the attempt in
 * window k is allowed only while windows k-1 and k together hold fewer than `max`. Any span of
 * one window's length touches at most two consecutive windows, so no span allows more than
 * `max`; the price is that a limit once reached lasts between one and two windows. Each attempt
 * adds to two running pair sums (`n<k>` = windows k-1 and k, `n<k+1>` = windows k and k+1) and
 * is allowed only while both are under `max`, so the check is a plain condition and needs no
 * read first.
 *
 * Keys are hashed so the ephemeral table holds no raw IP addresses or emails.
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
  /**
   * Tries at the second step of sign-in, whatever the method (a code, a security key, a recovery
   * code): the 10th wrong one within 10 minutes locks the second step as a whole.
   */
  wrongCodes: { name: 'wrong-codes', max: 10, windowSeconds: 600 },
  recoveryTries: { name: 'recovery-tries', max: 10, windowSeconds: 3600 },
  confirmationMails: { name: 'confirmation-mails', max: 10, windowSeconds: 3600 },
  /** Codes sent to one phone (keyed by its phoneKey), whoever asks: texts cost money and can harass. */
  phoneCodeSends: { name: 'phone-code-sends', max: 5, windowSeconds: 600 },
  /** Document and selfie checks of one account: each costs a vendor call, and guessing at a forgery is an attack. */
  documentChecks: { name: 'document-checks', max: 5, windowSeconds: 6 * 3600 },
  /** Records checks of one account: each asks a data broker about a person. */
  recordsChecks: { name: 'records-checks', max: 5, windowSeconds: 6 * 3600 },
  /** Checks of one SSN (keyed by its ssnKey) across all accounts: stops trying one stolen SSN from many accounts. */
  ssnChecks: { name: 'ssn-checks', max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, Limit>;

/** An attempt that was counted: give it back when the guarded secret turned out right. */
export interface Attempt {
  readonly granted: true;
  /** Tries left in the current span after this one (0: this was the last before the limit). */
  readonly left: number;
  /** If this try stays counted and was the last: how long the limit then refuses. */
  readonly retryAfterSeconds: number;
  readonly limit: Limit;
  readonly key: string;
  readonly window: number;
}

export interface Refusal {
  readonly granted: false;
  /** Whole seconds until an attempt can be allowed again. */
  readonly retryAfterSeconds: number;
}

const itemKey = (limit: Limit, key: string) => ({
  pk: `LIMIT#${limit.name}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'LIMIT',
});

const windowOf = (limit: Limit, now: Date) => Math.floor(epochSeconds(now) / limit.windowSeconds);

const isConditionFailure = (error: unknown): error is Error & { Item?: Record<string, unknown> } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Counts an attempt if the limit allows it; refuses (counting nothing) when it does not. */
export async function takeAttempt(limit: Limit, key: string, now: Date): Promise<Attempt | Refusal> {
  const window = windowOf(limit, now);
  try {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName('ephemeral'),
        Key: itemKey(limit, key),
        UpdateExpression: 'ADD #current :one, #next :one SET expiresAt = :expires REMOVE #old',
        // Both sums this try joins must stay within the limit: then no two adjacent windows ever
        // hold more than `max`, whatever order tries arrive in (a late one from a skewed clock).
        ConditionExpression:
          '(attribute_not_exists(#current) OR #current < :max) AND (attribute_not_exists(#next) OR #next < :max)',
        ExpressionAttributeNames: {
          '#current': `n${window}`,
          '#next': `n${window + 1}`,
          // Two windows back, not one: a try stamped a moment late (two Lambdas' clocks differ)
          // still finds its window's sum intact after a try of the next window.
          '#old': `n${window - 2}`,
        },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': limit.max,
          ':expires': (window + 2) * limit.windowSeconds,
        },
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const count = Number(Attributes?.[`n${window}`] ?? limit.max);
    const left = Math.max(0, limit.max - count);
    return {
      granted: true,
      left,
      retryAfterSeconds: retryAfter(limit, window, Attributes, now),
      limit,
      key,
      window,
    };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { granted: false, retryAfterSeconds: retryAfter(limit, window, error.Item, now) };
  }
}

/**
 * When the next window opens with room: window k+1 counts windows k and k+1, so it has room
 * unless window k alone is full, in which case k+2 surely does.
 */
function retryAfter(limit: Limit, window: number, item: Record<string, unknown> | undefined, now: Date) {
  const next = item?.[`n${window + 1}`] as { N?: string } | number | undefined;
  const inWindowNow = typeof next === 'number' ? next : Number(next?.N ?? limit.max);
  const opens = (window + (inWindowNow < limit.max ? 1 : 2)) * limit.windowSeconds;
  return Math.max(1, opens - epochSeconds(now));
}

/** The guarded secret was right: this attempt no longer counts against the member. */
export async function giveBack(attempt: Attempt): Promise<void> {
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: tableName('ephemeral'),
        Key: itemKey(attempt.limit, attempt.key),
        UpdateExpression: 'ADD #current :minus, #next :minus',
        ConditionExpression: '#current > :zero AND #next > :zero',
        ExpressionAttributeNames: {
          '#current': `n${attempt.window}`,
          '#next': `n${attempt.window + 1}`,
        },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/**
 * Whether the limit would refuse an attempt now, without counting one (a strongly consistent
 * read): for work that is not itself a try, like sending a code while the second step is locked.
 */
export async function limitReached(
  limit: Limit,
  key: string,
  now: Date,
): Promise<{ retryAfterSeconds: number } | undefined> {
  const window = windowOf(limit, now);
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('ephemeral'), Key: itemKey(limit, key), ConsistentRead: true }),
  );
  const sum = (j: number) => Number(Item?.[`n${j}`] ?? 0);
  if (sum(window) < limit.max && sum(window + 1) < limit.max) return undefined;
  return { retryAfterSeconds: retryAfter(limit, window, Item, now) };
}

/** Counts one more and says whether it is still within the limit (sends: nothing to give back). */
export async function withinLimit(limit: Limit, key: string, now: Date): Promise<boolean> {
  return (await takeAttempt(limit, key, now)).granted;
}
