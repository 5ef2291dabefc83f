/**
 * Every page that sets a new password: Create account, Reset password (from the link of Forgot
 * password) and Change password. They are one Lambda because a new password is checked against
 * zxcvbn's dictionaries and the breached-password blocklist (accounts/password/policy.ts), about
 * 2 MB that no other handler should load; checking an existing password needs only scrypt and
 * the pepper.
 */
import { changePassword, checkResetLink, resetPassword } from '../../accounts/password-reset.ts';
import { signUp } from '../../accounts/sign-up.ts';
import type { Ports } from '../../core/ports.ts';
import { memberAccess } from '../../http/access.ts';
import { seeOther } from '../../http/errors.ts';
import { field, formBody, query } from '../../http/form.ts';
import { type HttpRequest, memberOf, routedHandler } from '../../http/handler.ts';
import {
  memberSession,
  requestContext,
  requestTime,
  signedInCookies,
  signedOutCookies,
} from '../../http/member.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { changePasswordPage } from '../../pages/account.tsx';
import { resetPasswordPage } from '../../pages/sign-in.tsx';
import { checkEmailPage, createAccountPage } from '../../pages/sign-up.tsx';

type Request = HttpRequest<Record<string, string> | undefined>;

/** Built once, at module load: the ports of this Lambda's grants (sendsMail, usesPepper). */
const ports = { mail: mailOutbox(), pepper: pepperFromEnvironment() } satisfies Partial<Ports>;

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  'GET /create-account': async (request) => {
    if (await memberSession(request, requestTime(request))) throw seeOther('/account');
    return html(createAccountPage({ csrfToken: request.csrfToken }));
  },

  'POST /create-account': async (request) => {
    const email = field(request.body, 'email');
    const result = await signUp(
      { email, password: field(request.body, 'password') },
      requestContext(request),
      ports,
    );
    if (result.kind === 'problems') {
      return html(createAccountPage({ csrfToken: request.csrfToken, email, problems: result.problems }), 400);
    }
    return html(checkEmailPage({ csrfToken: request.csrfToken, address: result.address }));
  },

  'GET /reset-password': async (request) => {
    const token = query(request.event, 'token');
    await checkResetLink(token, requestTime(request));
    return html(resetPasswordPage({ csrfToken: request.csrfToken, token: token as string }));
  },

  'POST /reset-password': async (request) => {
    const token = field(request.body, 'token');
    const result = await resetPassword(
      { token, password: field(request.body, 'password') },
      requestContext(request),
      ports,
    );
    if (result.kind === 'problem') {
      return html(
        resetPasswordPage({ csrfToken: request.csrfToken, token: token ?? '', problem: result.message }),
        400,
      );
    }
    const response = redirect('/sign-in?notice=password-reset');
    response.cookies = signedOutCookies();
    return response;
  },

  'GET /account/password': async (request) => {
    return html(changePasswordPage({ csrfToken: request.csrfToken }));
  },

  'POST /account/password': async (request) => {
    const session = memberOf(request);
    const result = await changePassword(
      session.accountId,
      { password: field(request.body, 'password') },
      requestContext(request),
      ports,
    );
    if (result.kind === 'problem') {
      return html(changePasswordPage({ csrfToken: request.csrfToken, problem: result.message }), 400);
    }
    const response = redirect('/account/security?notice=password-changed');
    response.cookies = signedInCookies(result.signedIn.cookie);
    return response;
  },
};

export const handler = routedHandler('passwords', { body: formBody, memberAccess }, routes);
