/**
 * The OpenID provider's Lambda: the protocol endpoints, through oidc-provider (partners read
 * JSON and redirects), and the interaction pages (people read pages), which share the provider's
 * interaction cookie and so live beside it.
 */
import type { Context } from 'aws-lambda';
import type { Ports } from '../../core/ports.ts';
import { memberAccess } from '../../http/access.ts';
import { formBody } from '../../http/form.ts';
import { type HttpEvent, protocolHandler, routedHandler } from '../../http/handler.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { interactionRoutes } from './interaction-routes.ts';
import { protocol } from './protocol.ts';
import { cipherPorts } from './provider.ts';

/** Built once, at module load: the ports of this Lambda's grants (sendsMail, usesPepper, encryptsFields). */
const ports = {
  mail: mailOutbox(),
  pepper: pepperFromEnvironment(),
  ...cipherPorts,
} satisfies Partial<Ports>;

const pages = routedHandler(
  'oidc',
  { body: formBody, memberAccess, audience: () => 'people' },
  interactionRoutes(ports),
);
/** The endpoints a browser is sent to; the others answer partners' servers. */
const BROWSER_PATHS = new Set(['/authorize', '/logout']);
const endpoints = protocolHandler(
  'oidc',
  (event, context) => protocol(event, context, ports),
  (event) => (BROWSER_PATHS.has(event.rawPath) ? 'people' : 'partners'),
);

export const handler = (event: HttpEvent, context: Context) =>
  event.rawPath.startsWith('/interaction/') ? pages(event, context) : endpoints(event, context);
