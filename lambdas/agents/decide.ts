/**
 * An agent's decision on the member they took: approve (the verified identity is written, as
 * self-service writes it, with the agent's name and an audit event in the same transaction),
 * deny with a reason code, or flag suspected fraud. The member hears by mail and sees it on
 * their next visit; a fraud flag is told to them as the same generic "could not verify".
 *
 * Refused: a review that is not this agent's or was decided already (the decision is a
 * conditional write: of two decisions, one holds), and a member account that holds the agent's
 * own email address, whichever of its emails (no agent verifies themself).
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import { emailsOf } from '../store/emails.ts';
import { recordEvent } from '../store/history.ts';
import * as attempts from '../store/verification.ts';
import * as queue from '../store/video-queue.ts';
import { DENIAL_REASONS, type DenialReason } from '../verification/attempt.ts';
import { deleteEvidence, verifyIdentity } from '../verification/verified-identity.ts';
import { type Agent, audit, auditItem } from './agent.ts';
import { agentsReview } from './review.ts';

export type Decision =
  | { readonly kind: 'approve' }
  | { readonly kind: 'deny'; readonly reason: DenialReason }
  | { readonly kind: 'fraud' };

export type DecideOutcome =
  | 'approved'
  | 'denied'
  | 'fraud'
  /** The SSN's identity is verified on another account: this one cannot be approved. */
  | 'ssn-held';

const normalizedEmail = (address: string): string | undefined => {
  const parsed = parseEmailAddress(address);
  return isAddressProblem(parsed) ? undefined : parsed.normalized;
};

export async function decide(
  reviewId: string,
  agent: Agent,
  decision: Decision,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'mail' | 'vendors'>,
): Promise<DecideOutcome> {
  const now = context.now;
  const review = await agentsReview(reviewId, agent, now);
  if (review.decision) throw problem({ kind: 'ReviewDecided' });
  const facts = { reviewId, accountId: review.accountId };
  if (await holdsEmailOf(review.accountId, agent)) {
    await audit('agent-refused-own-account', agent, facts, now);
    throw problem({ kind: 'AgentOwnAccount' });
  }
  const attempt = await attempts.attemptOf(review.accountId);
  if (!attempt) throw problem({ kind: 'ReviewDecided' });

  if (decision.kind === 'approve') {
    const outcome = await verifyIdentity(
      review.accountId,
      attempt,
      {
        method: 'video',
        agent: agent.username,
        extra: [
          queue.decideReviewItem(reviewId, agent.username, 'approved', now),
          auditItem('agent-approved', agent, facts, now),
        ],
      },
      context,
      ports,
    );
    if (outcome === 'ssn-held') {
      await audit('agent-refused-ssn-held', agent, facts, now);
      return 'ssn-held';
    }
    if (outcome !== 'verified') throw await whyNot(reviewId, now);
    await finish(review, ports);
    return 'approved';
  }

  const kind = decision.kind === 'deny' ? 'denied' : 'fraud';
  if (!(await queue.decideReview(reviewId, agent.username, kind, now))) throw await whyNot(reviewId, now);
  const reason = decision.kind === 'deny' ? decision.reason : undefined;
  await endAttempt(review.accountId, kind, reason, now);
  await deleteEvidence(review.accountId, attempt, ports);
  await recordEvent(review.accountId, historyEvent('identity-not-verified', context));
  // Never "fraud" to the member: the same words as any attempt that could not be verified.
  await sendNotice(
    review.accountId,
    'identity-not-verified',
    context,
    ports,
    reason && DENIAL_REASONS[reason],
  );
  await audit(
    decision.kind === 'deny' ? 'agent-denied' : 'agent-flagged-fraud',
    agent,
    { ...facts, ...(reason ? { reason } : {}) },
    now,
  );
  await finish(review, ports);
  return kind;
}

/** Any email of the member's account, confirmed or not, that is the agent's own. */
async function holdsEmailOf(accountId: string, agent: Agent): Promise<boolean> {
  const own = normalizedEmail(agent.email);
  if (!own) return false;
  return (await emailsOf(accountId)).some((e) => e.normalized === own || normalizedEmail(e.address) === own);
}

/** The attempt ends with the agent's outcome, whatever the member's tab wrote in between. */
async function endAttempt(
  accountId: string,
  outcome: 'denied' | 'fraud',
  reason: DenialReason | undefined,
  now: Date,
): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    const attempt = await attempts.attemptOf(accountId);
    if (!attempt) return;
    const { revision, queueEntry: _place, denialReason: _reason, ...rest } = attempt;
    const saved = await attempts.saveAttempt(
      accountId,
      {
        ...rest,
        outcome,
        ...(reason ? { denialReason: reason } : {}),
        endedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      revision,
    );
    if (saved !== 'changed') return;
  }
  throw problem({ kind: 'ReviewChanged' });
}

/** The member's place leaves the queue and the call room closes. */
async function finish(review: queue.Review, ports: Pick<Ports, 'vendors'>): Promise<void> {
  await queue.remove(review.place);
  await ports.vendors.calls.close(review.room);
}

/** A decision that did not hold: decided by then, or the member's attempt changed under it. */
async function whyNot(reviewId: string, now: Date) {
  const review = await queue.reviewOf(reviewId, now);
  return problem({ kind: review?.decision ? 'ReviewDecided' : 'ReviewChanged' });
}
