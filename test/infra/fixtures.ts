/**
 * Manifest variants for paths the shipped manifest does not take: a read-only table grant (the
 * shipped handlers only have readwrite ones), and a handler that sends mail without the pepper.
 * These variants hold those grants (and their cdk-nag acknowledgements) to account.
 */
import { type ManifestRoute, type VerityManifest, verityManifest } from '../../lib/cloud/manifest.ts';
import type { HandlerDefinition } from '../../lib/routes.ts';

/** Reads partners, writes the ephemeral table (which has indexes), and sends mail. */
export const grantingHandler = {
  entry: 'lambdas/handlers/health/handler.ts',
  description: 'Test double: a handler with every kind of grant',
  audience: 'people',
  tables: { partners: 'read', ephemeral: 'readwrite' },
  sendsMail: true,
} as const satisfies HandlerDefinition;

export const grantingManifest: VerityManifest = {
  ...verityManifest,
  handlers: { ...verityManifest.handlers, granting: grantingHandler },
  routes: [
    ...verityManifest.routes,
    {
      method: 'POST',
      path: '/granting',
      handler: 'granting',
      access: { kind: 'member', level: 'aal2' },
    } satisfies ManifestRoute,
  ],
};
