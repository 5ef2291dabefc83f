/**
 * Security keys and passkeys on the MFA pages: adding one, and the second step of sign-in with
 * one. Part of the mfa handler (lambdas/handlers/mfa.ts spreads these routes into its own and
 * passes in the steps every method shares, so that both end a setup or a second step alike).
 *
 * Each ceremony is two requests: the page's script POSTs the form for the options (JSON), then,
 * after the browser talked to the key, submits the form with the key's answer in `credential`.
 */
import type { RequestContext } from '../accounts/context.ts';
import { HttpError } from '../http/errors.ts';
import { field } from '../http/form.ts';
import type { HttpRequest } from '../http/handler.ts';
import { requestContext, safeNext } from '../http/member.ts';
import { type HttpResult, html, json } from '../http/respond.ts';
import { sesMailer } from '../mail/mailer.ts';
import {
  beginWebAuthnSetup,
  beginWebAuthnSignIn,
  finishWebAuthnSetup,
  passWebAuthn,
} from '../mfa/webauthn.ts';
import { securityKeySetupPage } from '../pages/mfa-webauthn.tsx';
import * as accounts from '../store/accounts.ts';
import type { SessionItem } from '../store/items.ts';

type Request = HttpRequest<Record<string, string> | undefined>;
type Route = (request: Request) => Promise<HttpResult>;

/** What every MFA method shares, from lambdas/handlers/mfa.ts. */
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

const nextOf = (value: string | undefined) => safeNext(value) ?? '/account';

export function webauthnRoutes(steps: MfaSteps): Record<string, Route> {
  return {
    'GET /mfa/setup/security-key': async (request) => {
      await steps.requireSetupSession(request);
      return html(securityKeySetupPage({ csrfToken: request.csrfToken }));
    },

    'POST /mfa/setup/security-key/options': async (request) => {
      const { session } = await steps.requireSetupSession(request);
      // The name passkey pickers show; the key itself only ever learns the opaque account id.
      const profile = await accounts.profileOf(session.accountId);
      const options = await beginWebAuthnSetup(
        session.accountId,
        profile?.primaryEmail ?? 'Verity',
        requestContext(request),
      );
      return json(options);
    },

    'POST /mfa/setup/security-key': async (request) => {
      const { session, first } = await steps.requireSetupSession(request);
      const context = requestContext(request);
      const name = field(request.body, 'name');
      const result = await finishWebAuthnSetup(
        session.accountId,
        { credential: field(request.body, 'credential'), name },
        context,
        { mail: sesMailer() },
      );
      if (result.kind === 'refused') {
        const page = securityKeySetupPage({ csrfToken: request.csrfToken, problem: result.problem, name });
        return html(page, 400);
      }
      return steps.methodAdded(session, first, context);
    },

    'POST /mfa/security-key/options': async (request) => {
      const session = await steps.requireChallengeSession(request, nextOf(field(request.body, 'next')));
      return json(await beginWebAuthnSignIn(session.accountId, requestContext(request)));
    },

    'POST /mfa/security-key': async (request) => {
      const next = nextOf(field(request.body, 'next'));
      const session = await steps.requireChallengeSession(request, next);
      const context = requestContext(request);
      try {
        await passWebAuthn(session.accountId, field(request.body, 'credential'), context);
      } catch (error) {
        if (!(error instanceof HttpError && [400, 401, 429].includes(error.status))) throw error;
        const factorId = field(request.body, 'factor');
        const page = await steps.challengeFor(request, session, next, factorId, error.publicMessage);
        return html(page, error.status);
      }
      return steps.secondStepPassed(request, session, next, context);
    },
  };
}
