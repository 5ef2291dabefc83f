/**
 * The agent console behind the workforce session cookie: the queue, taking the next member, a
 * review with its call, and the decision. Every id from the URL is checked for its shape before
 * it reaches a key.
 */
import type { Agent } from '../../agents/agent.ts';
import { type Decision, decide } from '../../agents/decide.ts';
import { queueOverview } from '../../agents/queue.ts';
import { openReview, reviewCall } from '../../agents/review.ts';
import { takeNextMember } from '../../agents/take-next.ts';
import { isId } from '../../core/ids.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { field, query } from '../../http/form.ts';
import { requestContext, requestTime } from '../../http/member.ts';
import { html, redirect } from '../../http/respond.ts';
import { imagesFrom } from '../../http/security-headers.ts';
import { agentCallPage, agentDecidedPage, agentQueuePage, agentReviewPage } from '../../pages/agent.tsx';
import { isDenialReason } from '../../verification/attempt.ts';
import { ports } from './ports.ts';
import type { Request, Route } from './routes.ts';

/** The signed-in agent (the pipeline checked the cookie and the group). */
function agentOf(request: Request): Agent {
  const user = request.workforce;
  if (!user) throw new Error('agentOf on a route without workforce-pages access');
  // The pool requires an email; without one, the own-account rule could not be kept.
  if (!user.email) throw forbidden('Your workforce account has no email address. Ask your administrator.');
  return { username: user.username, email: user.email };
}

/** The review id of the URL, if it has the shape of one; a 404 page otherwise. */
function reviewIdOf(request: Request): string {
  const reviewId = request.event.pathParameters?.reviewId;
  if (!isId(reviewId)) throw notFound();
  return reviewId;
}

function decisionOf(request: Request): Decision {
  const decision = field(request.body, 'decision');
  if (decision === 'approve') return { kind: 'approve' };
  if (decision === 'fraud') return { kind: 'fraud' };
  const reason = field(request.body, 'reason');
  if (decision === 'deny' && isDenialReason(reason)) return { kind: 'deny', reason };
  throw badRequest('Choose Approve, Deny with a reason, or Flag suspected fraud on the review page.');
}

const EMPTY_NOTICE = 'Nobody is waiting right now';

export const consoleRoutes: Record<string, Route> = {
  'GET /agent': async (request) => {
    const notice = query(request.event, 'notice') === 'empty' ? EMPTY_NOTICE : undefined;
    const queue = await queueOverview(requestTime(request));
    return html(agentQueuePage({ csrfToken: request.csrfToken, queue, ...(notice ? { notice } : {}) }));
  },

  'POST /agent/take': async (request) => {
    const review = await takeNextMember(agentOf(request), requestContext(request), ports);
    return redirect(review ? `/agent/reviews/${review.reviewId}` : '/agent?notice=empty');
  },

  'GET /agent/reviews/{reviewId}': async (request) => {
    const review = await openReview(reviewIdOf(request), agentOf(request), requestContext(request), ports);
    return html(
      agentReviewPage({ csrfToken: request.csrfToken, review }),
      200,
      imagesFrom(
        {},
        review.pictures.map((p) => p.url),
      ),
    );
  },

  'GET /agent/reviews/{reviewId}/call': async (request) => {
    const review = await reviewCall(reviewIdOf(request), agentOf(request), requestTime(request));
    return html(
      agentCallPage({
        csrfToken: request.csrfToken,
        reviewId: review.reviewId,
        meetingId: review.room.meetingId,
        provider: review.room.provider,
      }),
    );
  },

  'POST /agent/reviews/{reviewId}/decide': async (request) => {
    const reviewId = reviewIdOf(request);
    const outcome = await decide(
      reviewId,
      agentOf(request),
      decisionOf(request),
      requestContext(request),
      ports,
    );
    return html(
      agentDecidedPage({ csrfToken: request.csrfToken, outcome, reviewId }),
      outcome === 'ssn-held' ? 409 : 200,
    );
  },
};
