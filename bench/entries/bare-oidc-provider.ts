/**
 * For comparison in the bundles suite (not a Lambda of Verity): bare oidc-provider behind
 * serverless-http, built with the Lambda settings, to weigh and time against the OIDC Lambda.
 * The provider is made at the first request, as lambdas/handlers/oidc/provider.ts makes Verity's,
 * so the cold import is the modules' load and nothing more.
 */
import type { Context } from 'aws-lambda';
import Provider from 'oidc-provider';
import serverless from 'serverless-http';

let app: serverless.Handler | undefined;

export const handler = (event: object, context: Context) => {
  app ??= serverless(new Provider('https://bench.invalid', {}));
  return app(event, context);
};
