/**
 * API Gateway's `$default` route: whatever no route matches. A known path with the wrong method
 * is a 405 with an Allow header; anything else is a 404 page (or JSON for clients that ask). The
 * answer is for whoever the path's routes serve: on partners' routes (/health, /csp-report,
 * /workforce/me) it is JSON, whatever the client accepts.
 */
import { allowedMethods, audienceAt } from '../../../lib/routes.ts';
import { methodNotAllowed, notFound } from '../../http/errors.ts';
import { type HttpEvent, httpHandler } from '../../http/handler.ts';

const options = { ignoresBody: true, audience: (event: HttpEvent) => audienceAt(event.rawPath ?? '/') };

export const handler = httpHandler('not-found', options, ({ path }) => {
  const allow = allowedMethods(path);
  throw allow.length > 0 ? methodNotAllowed(allow) : notFound();
});
