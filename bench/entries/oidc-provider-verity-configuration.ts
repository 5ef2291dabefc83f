/**
 * For comparison in the bundles suite (not a Lambda of Verity): bare-oidc-provider.ts plus
 * Verity's configuration of the provider (lambdas/oidc/configuration.ts) and its DynamoDB adapter
 * (lambdas/store/oidc-models.ts), with what they import. Against bare oidc-provider it shows what
 * the adapter and the configuration add; the OIDC Lambda should add little beyond it.
 */
import type { Context } from 'aws-lambda';
import serverless from 'serverless-http';
import { buildProvider } from '../../lambdas/oidc/configuration.ts';

let app: serverless.Handler | undefined;

export const handler = (event: object, context: Context) => {
  app ??= serverless(
    buildProvider({
      issuer: 'https://bench.invalid',
      keys: { jwks: { keys: [] }, cookieKeys: ['bench'], pairwiseSecret: Buffer.alloc(32) },
      partner: async () => undefined,
      verity: async () => undefined,
      identity: async () => undefined,
      verifiedIdentity: async () => undefined,
      primaryEmail: async () => undefined,
      errorPage: () => '',
      logoutPage: () => '',
      signedOutPage: () => '',
    }),
  );
  return app(event, context);
};
