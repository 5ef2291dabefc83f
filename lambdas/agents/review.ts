/**
 * An agent's review of the member they took: what the member submitted (decrypted), the pictures
 * through short-lived URLs, the call. Only the agent who took the review sees it; every look is
 * an audit event.
 */
import type { RequestContext } from '../accounts/context.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import * as attempts from '../store/verification.ts';
import * as queue from '../store/video-queue.ts';
import { evidenceKey, partsOf } from '../verification/attempt.ts';
import type { CallRoom, DocumentType, EvidencePart } from '../verification/ports.ts';
import { confirmedDetails } from '../verification/verified-identity.ts';
import { type Agent, audit } from './agent.ts';

/** A picture's URL lives 5 minutes: long enough to look, too short to pass around. */
export const PICTURE_URL_SECONDS = 300;

export interface SubmittedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly birthdate: string;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly postalCode: string;
  readonly phone: string;
  /** The SSN's last four digits only: the agent compares, they need not read it all. */
  readonly ssnLast4: string;
}

export interface ReviewView {
  readonly reviewId: string;
  readonly takenAt: string;
  readonly room: CallRoom;
  /** Set once decided: nothing personal is shown any more (the pictures are gone). */
  readonly decision?: NonNullable<queue.Review['decision']>;
  readonly documentType?: DocumentType;
  readonly person?: SubmittedPerson;
  readonly pictures: readonly { readonly part: EvidencePart; readonly url: string }[];
}

/** The review if it is live and this agent's; a named problem otherwise. */
export async function agentsReview(reviewId: string, agent: Agent, now: Date): Promise<queue.Review> {
  const review = await queue.reviewOf(reviewId, now);
  if (!review) throw problem({ kind: 'ReviewNotFound' });
  if (review.agent !== agent.username) throw problem({ kind: 'ReviewNotYours' });
  return review;
}

export async function openReview(
  reviewId: string,
  agent: Agent,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'vendors'>,
): Promise<ReviewView> {
  const review = await agentsReview(reviewId, agent, context.now);
  await audit('agent-viewed-review', agent, { reviewId, accountId: review.accountId }, context.now);
  const base = { reviewId, takenAt: review.takenAt, room: review.room, pictures: [] };
  if (review.decision) return { ...base, decision: review.decision };
  const attempt = await attempts.attemptOf(review.accountId);
  // Verified in the meantime (the attempt ends with the identity), or the account is gone.
  if (!attempt?.documentType) return base;
  const details = await confirmedDetails(review.accountId, attempt, ports);
  const uploaded = partsOf(attempt.documentType).filter((part) => attempt.uploads[part]);
  const pictures = await Promise.all(
    uploaded.map(async (part) => ({
      part,
      url: await ports.vendors.evidence.viewUrl(
        evidenceKey(review.accountId, attempt.attemptId, part),
        PICTURE_URL_SECONDS,
      ),
    })),
  );
  return {
    ...base,
    documentType: attempt.documentType,
    pictures,
    ...(details
      ? {
          person: {
            givenName: details.givenName,
            familyName: details.familyName,
            birthdate: details.birthdate,
            street: details.street,
            city: details.city,
            state: details.state,
            postalCode: details.postalCode,
            phone: details.phone,
            ssnLast4: details.ssn.slice(-4),
          },
        }
      : {}),
  };
}

/** The call page of a review: its room, for the agent who took it. */
export async function reviewCall(reviewId: string, agent: Agent, now: Date): Promise<queue.Review> {
  return agentsReview(reviewId, agent, now);
}
