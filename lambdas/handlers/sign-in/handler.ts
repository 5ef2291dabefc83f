/**
 * Sign in, Sign out, Forgot password, and entering the password again. The page the reset link
 * opens sets a new password, so it is in passwords.ts.
 */

import { forgotPassword } from '../../accounts/forgot-password.ts';
import { enterPasswordAgain, signIn } from '../../accounts/sign-in.ts';
import type { Ports } from '../../core/ports.ts';
import { memberAccess } from '../../http/access.ts';
import { seeOther } from '../../http/errors.ts';
import { field, formBody, query } from '../../http/form.ts';
import { type HttpRequest, memberOf, routedHandler } from '../../http/handler.ts';
import {
  memberSession,
  requestContext,
  requestTime,
  safeNext,
  signedInCookies,
  signedOutCookies,
} from '../../http/member.ts';
import { problemToShow } from '../../http/problems.ts';
import { providerSessionCookiesCleared, providerSessionOf } from '../../http/provider-cookies.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { DEVICE_COOKIE, isRememberedBrowser } from '../../mfa/remembered-browsers.ts';
import { forgotPasswordPage, reauthenticatePage, resetSentPage, signInPage } from '../../pages/sign-in.tsx';
import type { SessionItem } from '../../store/items.ts';
import { endProviderSession } from '../../store/oidc-models.ts';
import * as store from '../../store/sessions.ts';
import { accountResetRoutes } from './account-reset-routes.ts';

type Request = HttpRequest<Record<string, string> | undefined>;

/** Built once, at module load: the ports of this Lambda's grants (sendsMail, usesPepper). */
const ports = { mail: mailOutbox(), pepper: pepperFromEnvironment() } satisfies Partial<Ports>;

/** Where a password sign-in continues: the first factor's setup, the second step, or on. */
function afterPassword(session: SessionItem, next: string): string {
  if (session.aal === 2) return next;
  return session.pendingMfa === 'setup' ? '/mfa/setup' : `/mfa?next=${encodeURIComponent(next)}`;
}

/** Sign-in problems are shown on the form. */
const formProblem = (error: unknown) =>
  problemToShow(error, 'SignInFailed', 'SignInThrottled', 'AccountLocked');

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  ...accountResetRoutes(ports),
  'GET /sign-in': async (request) => {
    const next = safeNext(query(request.event, 'next'));
    if (await memberSession(request, requestTime(request))) throw seeOther(next ?? '/account');
    // A partner's login_hint, passed on by the interaction page, fills the email.
    const email = query(request.event, 'email')?.slice(0, 320);
    return html(
      signInPage({ csrfToken: request.csrfToken, next, email, notice: query(request.event, 'notice') }),
    );
  },

  'POST /sign-in': async (request) => {
    const email = field(request.body, 'email');
    const next = safeNext(field(request.body, 'next'));
    try {
      const context = requestContext(request);
      const signedIn = await signIn(
        { email, password: field(request.body, 'password') },
        context,
        ports,
        (id) => isRememberedBrowser(request.cookies[DEVICE_COOKIE], id, context.now),
      );
      const response = redirect(afterPassword(signedIn.session, next ?? '/account'));
      response.cookies = signedInCookies(signedIn.cookie);
      return response;
    } catch (error) {
      const shown = formProblem(error);
      if (!shown) throw error;
      return html(
        signInPage({ csrfToken: request.csrfToken, email, next, problem: shown.message }),
        shown.status,
      );
    }
  },

  'POST /sign-out': async (request) => {
    const session = await memberSession(request, requestTime(request));
    if (session) {
      await store.endSession(session.accountId, session.keyHash);
    }
    // Signing out of Verity signs out of the OpenID provider too: its session goes with ours.
    const providerSession = providerSessionOf(request.event.cookies);
    if (providerSession) await endProviderSession(providerSession);
    const response = redirect('/sign-in?notice=signed-out');
    response.cookies = [...signedOutCookies(), ...providerSessionCookiesCleared()];
    return response;
  },

  'GET /forgot-password': async (request) => html(forgotPasswordPage({ csrfToken: request.csrfToken })),

  'POST /forgot-password': async (request) => {
    const email = field(request.body, 'email');
    const result = await forgotPassword({ email }, requestContext(request), ports);
    if (result.kind === 'problem') {
      return html(forgotPasswordPage({ csrfToken: request.csrfToken, email, problem: result.message }), 400);
    }
    return html(resetSentPage({ address: result.address }));
  },

  'GET /reauthenticate': async (request) => {
    const next = safeNext(query(request.event, 'next')) ?? '/account';
    return html(reauthenticatePage({ csrfToken: request.csrfToken, next, signedIn: true }));
  },

  'POST /reauthenticate': async (request) => {
    const session = memberOf(request);
    const next = safeNext(field(request.body, 'next')) ?? '/account';
    const context = requestContext(request);
    let cookie: string;
    try {
      cookie = await enterPasswordAgain(session, field(request.body, 'password'), context, ports);
    } catch (error) {
      const shown = formProblem(error);
      if (!shown) throw error;
      const page = reauthenticatePage({
        csrfToken: request.csrfToken,
        next,
        signedIn: true,
        problem: shown.message,
      });
      return html(page, shown.status);
    }
    // The password again, then a second factor again: sensitive actions want both, recently.
    const response = redirect(`/mfa?next=${encodeURIComponent(next)}`);
    response.cookies = signedInCookies(cookie);
    return response;
  },
};

export const handler = routedHandler('sign-in', { body: formBody, memberAccess }, routes);
