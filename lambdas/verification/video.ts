/**
 * The member's side of the video call: joining the queue once the documents and details are
 * ready (problems come back before the queue, not after it), the place and the wait, leaving
 * with the place kept 10 minutes, and the call once an agent took the member. The agent's side
 * is lambdas/agents/.
 */
import * as store from '../store/verification.ts';
import * as queue from '../store/video-queue.ts';
import { hasAllParts, readyForVideo, type VerificationAttempt, type VerificationStep } from './attempt.ts';
import type { CallRoom } from './ports.ts';

/**
 * The estimated wait assumes one agent on duty and about 5 minutes a call (a short call: the
 * agent compares the member with the document already checked). It is a floor, said as "about".
 */
export const MINUTES_PER_MEMBER = 5;

export type VideoPlace =
  /** A step before the video call is missing: the member goes there first. */
  | { readonly state: 'not-ready'; readonly step: VerificationStep }
  /** The SSN's identity is verified on another account already. */
  | { readonly state: 'ssn-held' }
  /** Ready, not in the queue. */
  | { readonly state: 'not-queued' }
  | {
      readonly state: 'waiting';
      /** 1 for the first in line. */
      readonly position: number;
      readonly waitMinutes: number;
      /** The member left the queue; the place is kept until `keptUntil`. */
      readonly away: boolean;
      readonly keptUntil: Date;
    }
  /** An agent took the member: the call is ready. */
  | { readonly state: 'called'; readonly reviewId: string }
  /** The place lapsed: nobody was seen on it for 10 minutes. */
  | { readonly state: 'released' }
  /** An agent decided (denied or flagged), or the identity is verified: the result page says which. */
  | { readonly state: 'decided' };

/** Which step a member who is not ready for the video call must finish first. */
function missingStep(attempt: VerificationAttempt): VerificationStep {
  if (!attempt.consentedAt) return 'start';
  if (!hasAllParts(attempt) || attempt.imageProblem) return 'documents';
  return 'details';
}

/**
 * Where the member stands now. Asking is being here: a waiting place is kept 10 more minutes and
 * is no longer away, unless `here` is false (the page that says the member left).
 */
export async function videoPlace(accountId: string, now: Date, here = true): Promise<VideoPlace> {
  const attempt = await store.attemptOf(accountId);
  return placeOf(accountId, attempt, now, here);
}

async function placeOf(
  accountId: string,
  attempt: VerificationAttempt | undefined,
  now: Date,
  here = true,
): Promise<VideoPlace> {
  if (!attempt)
    return (await store.identityOf(accountId)) ? { state: 'decided' } : { state: 'not-ready', step: 'start' };
  if (attempt.outcome === 'denied' || attempt.outcome === 'fraud') return { state: 'decided' };
  if (!attempt.queueEntry) return readiness(accountId, attempt);
  const entry = await queue.entryOf(attempt.queueEntry, now);
  if (!entry) return { state: 'released' };
  if (entry.state === 'taken' && entry.reviewId) return { state: 'called', reviewId: entry.reviewId };
  const kept = here ? await queue.seen(entry, now) : entry;
  // Released or taken in the meantime: ask again.
  if (!kept) return placeOf(accountId, await store.attemptOf(accountId), now, here);
  const before = await queue.ahead(kept.place, now);
  return {
    state: 'waiting',
    position: before + 1,
    waitMinutes: before * MINUTES_PER_MEMBER,
    away: kept.away === true,
    keptUntil: new Date(kept.expiresAt * 1000),
  };
}

async function readiness(accountId: string, attempt: VerificationAttempt): Promise<VideoPlace> {
  if (!readyForVideo(attempt)) return { state: 'not-ready', step: missingStep(attempt) };
  if (attempt.ssnKey) {
    const holder = await store.ssnHolder(attempt.ssnKey);
    if (holder && holder !== accountId) return { state: 'ssn-held' };
  }
  return { state: 'not-queued' };
}

/**
 * Joins the queue at its end, once: a member with a live place keeps it (a second tab, a double
 * press). The place is saved on the attempt; if the attempt changed in between (another tab
 * wrote a step), it is read again and the join tried again.
 */
export async function joinQueue(accountId: string, now: Date): Promise<VideoPlace | { state: 'joined' }> {
  for (let tries = 0; tries < 3; tries++) {
    const attempt = await store.attemptOf(accountId);
    const current = await placeOf(accountId, attempt, now);
    if (current.state !== 'not-queued' && current.state !== 'released') return current;
    if (!attempt) return current;
    const place = await queue.join(accountId, now);
    const { revision: _revision, ...rest } = attempt;
    const saved = await store.saveAttempt(
      accountId,
      { ...rest, queueEntry: place, updatedAt: now.toISOString() },
      attempt.revision,
    );
    // The queue page the member goes to next reads the place; reading it here too would be twice.
    if (saved !== 'changed') return { state: 'joined' };
    await queue.remove(place);
  }
  return videoPlace(accountId, now);
}

/** Leave the queue: the place is kept 10 minutes, and agents skip it until the member is back. */
export async function leaveQueue(accountId: string, now: Date): Promise<VideoPlace> {
  const attempt = await store.attemptOf(accountId);
  if (attempt?.queueEntry) await queue.leave(attempt.queueEntry, now);
  return placeOf(accountId, attempt, now, false);
}

/** The call of the member's review: who is on it and its room; undefined when there is none (yet). */
export async function memberCall(
  accountId: string,
  now: Date,
): Promise<{ readonly reviewId: string; readonly room: CallRoom } | undefined> {
  const place = await videoPlace(accountId, now);
  if (place.state !== 'called') return undefined;
  const review = await queue.reviewOf(place.reviewId, now);
  if (!review || review.accountId !== accountId) return undefined;
  return { reviewId: review.reviewId, room: review.room };
}
