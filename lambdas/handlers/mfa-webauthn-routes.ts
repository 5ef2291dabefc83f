import { HttpError } from '../http/errors.ts';
import { field } from '../http/form.ts';
import type { HttpRequest } from '../http/handler.ts';
import { requestContext, safeNext } from '../http/member.ts';
import { type HttpResult, html, json } from '../http/respond.ts';
import { mailOutbox } from '../mail/outbox.ts';
import {
  beginWebAuthnSetup,
  beginWebAuthnSignIn,
  finishWebAuthnSetup,
  passWebAuthn,
} from '../mfa/webauthn.ts';
import { securityKeySetupPage } from '../pages/mfa-webauthn.tsx';
import * as accounts from '../store/accounts.ts';
import type { MfaSteps } from './mfa-steps.ts';

type Request = HttpRequest<Record<string, string> | undefined>;
type Route = (request: Request) => Promise<HttpResult>;

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
        { mail: mailOutbox() },
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
