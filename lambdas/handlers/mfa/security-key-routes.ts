/** Security keys and passkeys (WebAuthn): setting one up, and the second step with one. */
import { field } from '../../http/form.ts';
import { memberOf } from '../../http/handler.ts';
import { requestContext } from '../../http/member.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, json } from '../../http/respond.ts';
import {
  beginWebAuthnSetup,
  beginWebAuthnSignIn,
  finishWebAuthnSetup,
  passWebAuthn,
} from '../../mfa/webauthn.ts';
import { securityKeySetupPage } from '../../pages/mfa-webauthn.tsx';
import * as profileStore from '../../store/profile.ts';
import { ports } from './ports.ts';
import { challengeFor, methodAdded, nextOf, type Request, secondStepPassed, setupSession } from './steps.ts';

type Route = (request: Request) => Promise<HttpResult>;

export const securityKeyRoutes: Record<string, Route> = {
  'GET /mfa/setup/security-key': async (request) => {
    return html(securityKeySetupPage({ csrfToken: request.csrfToken }));
  },

  'POST /mfa/setup/security-key/options': async (request) => {
    const session = memberOf(request);
    // The name passkey pickers show; the key itself only ever learns the opaque account id.
    const profile = await profileStore.profileOf(session.accountId);
    const options = await beginWebAuthnSetup(
      session.accountId,
      profile?.primaryEmail ?? 'Verity',
      requestContext(request),
    );
    return json(options);
  },

  'POST /mfa/setup/security-key': async (request) => {
    const { session, first } = setupSession(request);
    const context = requestContext(request);
    const name = field(request.body, 'name');
    const result = await finishWebAuthnSetup(
      session.accountId,
      { credential: field(request.body, 'credential'), name },
      context,
      ports,
    );
    if (result.kind === 'refused') {
      const page = securityKeySetupPage({ csrfToken: request.csrfToken, problem: result.problem, name });
      return html(page, 400);
    }
    return methodAdded(session, first, context, 'hwk');
  },

  'POST /mfa/security-key/options': async (request) => {
    const session = memberOf(request);
    return json(await beginWebAuthnSignIn(session.accountId, requestContext(request)));
  },

  'POST /mfa/security-key': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = memberOf(request);
    const context = requestContext(request);
    try {
      await passWebAuthn(session.accountId, field(request.body, 'credential'), context);
    } catch (error) {
      const shown = problemToShow(error, 'KeyRefused', 'CodesLocked', 'CeremonyExpired', 'NoSecurityKey');
      if (!shown) throw error;
      const factorId = field(request.body, 'factor');
      const page = await challengeFor(request, session, next, factorId, shown.message);
      return html(page, shown.status);
    }
    return secondStepPassed(request, session, next, context, 'hwk');
  },
};
