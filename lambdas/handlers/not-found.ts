/**
 * API Gateway's `$default` route: whatever no route matches. A known path with the wrong method
 * is a 405 with an Allow header; anything else is a 404 page (or JSON for clients that ask).
 */
import { allowedMethods } from '../../lib/routes.ts';
import { methodNotAllowed, notFound } from '../http/errors.ts';
import { httpHandler } from '../http/handler.ts';

export const handler = httpHandler('not-found', { ignoresBody: true }, ({ path }) => {
  const allow = allowedMethods(path);
  throw allow.length > 0 ? methodNotAllowed(allow) : notFound();
});
