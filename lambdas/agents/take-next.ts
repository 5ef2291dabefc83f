/**
 * Take the next member: the oldest member waiting (and not stepped away) becomes this agent's
 * review, with a call room opened for it. Of two agents pressing at once, each gets a different
 * member (lambdas/store/video-queue.ts `takeNext`).
 */
import type { RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
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
  await audit('agent-took-member', agent, { reviewId, accountId: review.accountId }, now);
  return review;
}
