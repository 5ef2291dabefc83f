/** Public hosted pages that need no account: the home page. */
import { httpHandler } from '../http/handler.ts';
import { memberSession } from '../http/member.ts';
import { html } from '../http/respond.ts';
import { homePage } from '../pages/home.tsx';

export const handler = httpHandler('pages', {}, async (request) => {
  const signedIn = (await memberSession(request)) ? { csrfToken: request.csrfToken } : undefined;
  return html(homePage(signedIn));
});
