/**
 * The video verification queue and the reviews agents take from it, in the ephemeral table
 * (docs/data-model.md):
 *   VIDEOQUEUE / <queuedAt ISO>#<accountId>   a member's place: waiting, or taken by an agent
 *   REVIEW#<reviewId> / REVIEW                 one agent's review of one member, with its call room
 *
 * One partition holds the whole queue, read with a strongly consistent Query: a queue is short
 * (members waiting right now), and the sort key is the order of arrival, so no index is needed
 * and a member's position is the number of live waiting places before theirs. TTL deletes late:
 * every read checks `expiresAt` against the request's time.
 *
 * Every invariant is a condition of its write: a place is taken once (of two agents racing for
 * the same member exactly one update holds), a review is decided once and only by its agent.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallRoom } from '../verification/ports.ts';
import {
  documentClient,
  epochSeconds,
  ifCondition,
  type TransactItem,
  tableName,
  transact,
} from './dynamo.ts';

const ephemeral = () => tableName('ephemeral');

const QUEUE_PK = 'VIDEOQUEUE';
/** A place is kept 10 minutes after the member was last seen (left, or stopped polling). */
export const PLACE_KEPT_SECONDS = 10 * 60;
/** A review lasts as long as a long call and the decision after it. */
export const REVIEW_SECONDS = 2 * 60 * 60;
/**
 * Polling every 5 seconds need not write every 5 seconds: a place is extended when it was last
 * extended over a minute ago (it still has at least 9 of its 10 minutes).
 */
const SEEN_EVERY_SECONDS = 60;

export interface QueueEntry {
  /** The sort key, `<queuedAt>#<accountId>`: the member's place, kept on their attempt. */
  readonly place: string;
  readonly accountId: string;
  readonly queuedAt: string;
  readonly state: 'waiting' | 'taken';
  /** When the place was last extended (the member's page asked). */
  readonly seenAt: string;
  /** The member pressed Leave the queue: the place is kept, but no agent takes it until they are back. */
  readonly away?: boolean;
  /** Epoch seconds: the place is released then (TTL deletes it later). */
  readonly expiresAt: number;
  readonly reviewId?: string;
  readonly agent?: string;
}

export interface Review {
  readonly reviewId: string;
  readonly accountId: string;
  /** The member's place in the queue. */
  readonly place: string;
  /** The agent's workforce username and email. */
  readonly agent: string;
  readonly agentEmail: string;
  readonly takenAt: string;
  readonly room: CallRoom;
  readonly expiresAt: number;
  readonly decision?: 'approved' | 'denied' | 'fraud';
  readonly decidedAt?: string;
}

const placeKey = (place: string) => ({ pk: QUEUE_PK, sk: place });
export const reviewKey = (reviewId: string) => ({ pk: `REVIEW#${reviewId}`, sk: 'REVIEW' });

const live = (item: { expiresAt: number }, now: Date) => item.expiresAt > epochSeconds(now);

function toEntry(item: Record<string, unknown>): QueueEntry {
  const { pk: _pk, sk, ...rest } = item;
  return { ...(rest as Omit<QueueEntry, 'place'>), place: sk as string };
}

/** A new place at the end of the queue; answers its sort key. */
export async function join(accountId: string, now: Date): Promise<string> {
  const queuedAt = now.toISOString();
  const place = `${queuedAt}#${accountId}`;
  await documentClient().send(
    new PutCommand({
      TableName: ephemeral(),
      Item: {
        ...placeKey(place),
        accountId,
        queuedAt,
        state: 'waiting',
        seenAt: queuedAt,
        expiresAt: epochSeconds(now) + PLACE_KEPT_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return place;
}

/** The place, if it is still live. */
export async function entryOf(place: string, now: Date): Promise<QueueEntry | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: placeKey(place), ConsistentRead: true }),
  );
  return Item && live(Item as { expiresAt: number }, now) ? toEntry(Item) : undefined;
}

/**
 * The member is here: a waiting place is kept 10 more minutes and is no longer away. Nothing is
 * written when it was extended within the last minute. Answers the place as it is now, or
 * undefined when it was released (expired, or removed) in the meantime.
 */
export async function seen(entry: QueueEntry, now: Date): Promise<QueueEntry | undefined> {
  if (entry.state !== 'waiting') return entry;
  const fresh = epochSeconds(now) - epochSeconds(new Date(entry.seenAt)) < SEEN_EVERY_SECONDS;
  if (fresh && !entry.away) return entry;
  return extend(entry.place, now, 'REMOVE away');
}

/** Leave the queue: the place is kept 10 minutes from now, and skipped by agents until the member is back. */
export async function leave(place: string, now: Date): Promise<QueueEntry | undefined> {
  return extend(place, now, 'away = :true', { ':true': true });
}

async function extend(
  place: string,
  now: Date,
  change: string,
  values: Record<string, unknown> = {},
): Promise<QueueEntry | undefined> {
  const update = change.startsWith('REMOVE') ? ` ${change}` : `, ${change}`;
  const result = await ifCondition(
    documentClient().send(
      new UpdateCommand({
        TableName: ephemeral(),
        Key: placeKey(place),
        UpdateExpression: `SET expiresAt = :expires, seenAt = :now${update}`,
        ConditionExpression: '#state = :waiting AND expiresAt > :epoch',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':expires': epochSeconds(now) + PLACE_KEPT_SECONDS,
          ':now': now.toISOString(),
          ':waiting': 'waiting',
          ':epoch': epochSeconds(now),
          ...values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return result?.Attributes ? toEntry(result.Attributes) : undefined;
}

/** Every live place, oldest first (strongly consistent: a place just taken is seen as taken). */
async function livePlaces(now: Date): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: ephemeral(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': QUEUE_PK },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (live(item as { expiresAt: number }, now)) entries.push(toEntry(item));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return entries;
}

/** The live waiting places, oldest first (away ones too: they keep their place). */
export async function waiting(now: Date): Promise<QueueEntry[]> {
  return (await livePlaces(now)).filter((e) => e.state === 'waiting');
}

/**
 * How many live waiting places are before this one. Every waiting member's page asks every few
 * seconds, so it reads only the places before it (the sort key is the time of joining), and
 * answers a count, not the places.
 */
export async function ahead(place: string, now: Date): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: ephemeral(),
        KeyConditionExpression: 'pk = :pk AND sk < :mine',
        FilterExpression: '#state = :waiting AND expiresAt > :epoch',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':pk': QUEUE_PK,
          ':mine': place,
          ':waiting': 'waiting',
          ':epoch': epochSeconds(now),
        },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * The oldest member who is waiting and here (not away) is taken for this review, and the
 * review written with it, in one transaction. Of two agents racing, exactly one takes each
 * member: the loser goes on to the next place. Undefined when nobody is waiting.
 */
export async function takeNext(
  review: Omit<Review, 'accountId' | 'place' | 'expiresAt'>,
  now: Date,
): Promise<Review | undefined> {
  for (const entry of await waiting(now)) {
    if (entry.away) continue;
    const taken: Review = {
      ...review,
      accountId: entry.accountId,
      place: entry.place,
      expiresAt: epochSeconds(now) + REVIEW_SECONDS,
    };
    const failed = await transact([
      {
        Update: {
          TableName: ephemeral(),
          Key: placeKey(entry.place),
          UpdateExpression:
            'SET #state = :taken, reviewId = :review, #agent = :agent, expiresAt = :expires REMOVE away',
          ConditionExpression: '#state = :waiting AND expiresAt > :epoch AND attribute_not_exists(away)',
          // Both are DynamoDB reserved words.
          ExpressionAttributeNames: { '#state': 'state', '#agent': 'agent' },
          ExpressionAttributeValues: {
            ':taken': 'taken',
            ':waiting': 'waiting',
            ':review': review.reviewId,
            ':agent': review.agent,
            ':expires': taken.expiresAt,
            ':epoch': epochSeconds(now),
          },
        },
      },
      {
        Put: {
          TableName: ephemeral(),
          Item: { ...reviewKey(review.reviewId), ...taken },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]).catch((error: unknown) => {
      // Another agent's transaction on the same place kept winning: that member is theirs.
      if ((error as Error).name === 'TransactionCanceledException') return 0;
      throw error;
    });
    if (failed === undefined) return taken;
  }
  return undefined;
}

/** The place is over (decided, or the member is verified): gone from the queue. */
export async function remove(place: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: ephemeral(), Key: placeKey(place) }));
}

export async function reviewOf(reviewId: string, now: Date): Promise<Review | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: reviewKey(reviewId), ConsistentRead: true }),
  );
  if (!Item || !live(Item as { expiresAt: number }, now)) return undefined;
  const { pk: _pk, sk: _sk, ...review } = Item;
  return review as Review;
}

/**
 * The decision, once, by the agent who took the review, while it lasts: as an item of a
 * transaction (an approval writes it with the verified identity).
 */
export const decideReviewItem = (
  reviewId: string,
  agent: string,
  decision: NonNullable<Review['decision']>,
  now: Date,
): TransactItem => ({
  Update: {
    TableName: ephemeral(),
    Key: reviewKey(reviewId),
    UpdateExpression: 'SET decision = :decision, decidedAt = :now',
    ConditionExpression: '#agent = :agent AND attribute_not_exists(decision) AND expiresAt > :epoch',
    ExpressionAttributeNames: { '#agent': 'agent' },
    ExpressionAttributeValues: {
      ':decision': decision,
      ':now': now.toISOString(),
      ':agent': agent,
      ':epoch': epochSeconds(now),
    },
  },
});

/** The decision on its own: false when the review was decided already (or is not this agent's). */
export async function decideReview(
  reviewId: string,
  agent: string,
  decision: NonNullable<Review['decision']>,
  now: Date,
): Promise<boolean> {
  const update = decideReviewItem(reviewId, agent, decision, now).Update;
  if (!update) return false;
  return (await ifCondition(documentClient().send(new UpdateCommand(update)))) !== undefined;
}
