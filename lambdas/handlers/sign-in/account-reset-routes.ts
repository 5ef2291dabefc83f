/**
 * Routes of the account reset (lost every sign-in method), served by the sign-in handler, over
 * the ports its handler.ts builds.
 */

import type { Ports } from '../../core/ports.ts';
import { field, query } from '../../http/form.ts';
import { type HttpRequest, memberOf } from '../../http/handler.ts';
import { requestContext, requestTime, signedOutCookies } from '../../http/member.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import {
  cancelAccountReset,
  checkResetLink,
  deleteByResetLink,
  requestAccountReset,
  resetState,
  sendDeletionLink,
} from '../../mfa/account-reset.ts';
import { lostMethodsPage, resetDonePage, resetLinkPage } from '../../pages/account-reset.tsx';

type Request = HttpRequest<Record<string, string> | undefined>;

export const accountResetRoutes = (
  ports: Pick<Ports, 'mail'>,
): Record<string, (request: Request) => Promise<HttpResult>> => ({
  // The password proves this much: someone who knows it lost the second factor.
  'GET /account-reset': async (request) => {
    const session = memberOf(request);
    const state = await resetState(session.accountId, requestTime(request));
    return html(lostMethodsPage({ csrfToken: request.csrfToken, state }));
  },

  'POST /account-reset/request': async (request) => {
    const session = memberOf(request);
    await requestAccountReset(session.accountId, requestContext(request), ports);
    return redirect('/account-reset');
  },

  'POST /account-reset/send-link': async (request) => {
    const session = memberOf(request);
    await sendDeletionLink(session.accountId, requestContext(request), ports);
    return html(
      resetDonePage({
        heading: 'Check your email',
        text: 'We sent the deletion link. It works once, for 24 hours.',
      }),
    );
  },

  'GET /account-reset/cancel': async (request) => {
    const token = query(request.event, 'token');
    await checkResetLink(token, 'cancel-account-reset', requestTime(request));
    return html(resetLinkPage({ csrfToken: request.csrfToken, token: token as string, action: 'cancel' }));
  },

  'POST /account-reset/cancel': async (request) => {
    await cancelAccountReset(field(request.body, 'token'), requestContext(request), ports);
    const text = 'Your account stays as it is. If you did not ask for this, change your password now.';
    return html(resetDonePage({ heading: 'Request cancelled', text }));
  },

  'GET /account-reset/delete': async (request) => {
    const token = query(request.event, 'token');
    await checkResetLink(token, 'delete-account', requestTime(request));
    return html(resetLinkPage({ csrfToken: request.csrfToken, token: token as string, action: 'delete' }));
  },

  'POST /account-reset/delete': async (request) => {
    await deleteByResetLink(field(request.body, 'token'), requestContext(request), ports);
    const response = html(
      resetDonePage({
        heading: 'Your account was deleted',
        text: 'You can create a new account with your email now.',
      }),
    );
    response.cookies = signedOutCookies();
    return response;
  },
});
