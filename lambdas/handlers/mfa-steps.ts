/**
 * What every MFA method's routes share, implemented in lambdas/handlers/mfa.ts and handed to
 * the routes of each method (phone, security key) so that those files need not import mfa.ts,
 * which imports them.
 */
import type { RequestContext } from '../accounts/context.ts';
import type { HttpRequest } from '../http/handler.ts';
import type { HttpResult } from '../http/respond.ts';
import type { SessionItem } from '../store/items.ts';

type Request = HttpRequest<Record<string, string> | undefined>;

export interface MfaSteps {
  requireSetupSession(request: Request): Promise<{ session: SessionItem; first: boolean }>;
  requireChallengeSession(request: Request, next: string): Promise<SessionItem>;
  /** The second-step page of this factor (or the primary one), with a problem to show. */
  challengeFor(
    request: Request,
    session: SessionItem,
    next: string,
    factorId?: string,
    problem?: string,
  ): Promise<string>;
  /** A method was added; the first one also passes this sign-in's second step. */
  methodAdded(session: SessionItem, first: boolean, context: RequestContext): Promise<HttpResult>;
  /** The second step passed: the session is raised, the browser remembered if asked. */
  secondStepPassed(
    request: Request,
    session: SessionItem,
    next: string,
    context: RequestContext,
  ): Promise<HttpResult>;
}
