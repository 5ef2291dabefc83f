/** Public hosted pages. Sign-in and account creation are placeholders until their issues land. */
import { httpHandler } from '../http/handler.ts';
import { html } from '../http/respond.ts';
import { comingSoonPage } from '../pages/coming-soon.tsx';
import { homePage } from '../pages/home.tsx';

const pages: Record<string, () => string> = {
  'GET /': homePage,
  'GET /sign-in': () => comingSoonPage('Sign in'),
  'GET /create-account': () => comingSoonPage('Create account'),
};

export const handler = httpHandler('pages', {}, ({ event }) => {
  const render = pages[event.routeKey];
  if (!render) throw new Error(`pages handler has no page for ${event.routeKey}`);
  return html(render());
});
