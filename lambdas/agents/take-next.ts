/**
 * Take the next member: the oldest member waiting (and not stepped away) becomes this agent's
 * review, with a call room opened for it. Of two agents pressing at once, each gets a different
 * member (lambdas/store/video-queue.ts `takeNext`).
 */
import type { RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import * as attempts from '../store/verification.ts';
import * as queue from '../store/video-queue.ts';
import { type Agent, audit } from './agent.ts';

/** The review taken, or undefined when nobody is waiting. */
export async function takeNextMember(
  agent: Agent,
  context: RequestContext,
  ports: Pick<Ports, 'vendors'>,
): Promise<queue.Review | undefined> {
  const now = context.now;
  const reviewId = newId();
  // The room first: a member taken is a member whose call is ready. Unused, it is closed again.
  const room = await ports.vendors.calls.open(reviewId);
  const review = await queue.takeNext(
    { reviewId, agent: agent.username, agentEmail: agent.email, takenAt: now.toISOString(), room },
    now,
  );
  if (!review) {
    await ports.vendors.calls.close(room);
    return undefined;
  }
  await noteReview(review.accountId, reviewId, now);
  await audit('agent-took-member', agent, { reviewId, accountId: review.accountId }, now);
  return review;
}

/**
 * The review's id on the member's attempt, so that their next visit knows of it. The queue's
 * place says so already (the member's page reads it there), so losing this write to a second tab
 * three times over costs nothing but the note.
 */
async function noteReview(accountId: string, reviewId: string, now: Date): Promise<void> {
  for (let tries = 0; tries < 3; tries++) {
    const attempt = await attempts.attemptOf(accountId);
    if (!attempt) return;
    const { revision, ...rest } = attempt;
    const saved = await attempts.saveAttempt(
      accountId,
      { ...rest, reviewId, updatedAt: now.toISOString() },
      revision,
    );
    if (saved !== 'changed') return;
  }
}
