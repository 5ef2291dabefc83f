/**
 * Public hosted pages that need no account: the home page. It reads no table: whether to show
 * "My Account" and Sign out is decided from the session cookie's presence alone (a stale
 * cookie only means the account link leads to Sign in), which keeps this shell Lambda small.
 */
import { httpHandler } from '../../http/handler.ts';
import { html } from '../../http/respond.ts';
import { homePage } from '../../pages/home.tsx';
import { parseSessionCookie, SESSION_COOKIE } from '../../sessions/session.ts';

export const handler = httpHandler('pages', {}, (request) => {
  const signedIn = parseSessionCookie(request.cookies[SESSION_COOKIE])
    ? { csrfToken: request.csrfToken }
    : undefined;
  return html(homePage(signedIn));
});
