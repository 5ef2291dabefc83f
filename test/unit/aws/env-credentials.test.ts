/**
 * The credential chain of a Lambda bundle (lib/cloud/bundling.ts aliases the SDK's default chain
 * to it): the role's credentials that Lambda puts in the environment, nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../../lambdas/aws/env-credentials.ts';

const VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
];
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the credentials of a Lambda bundle', () => {
  it('are the role credentials Lambda puts in the environment, session token included', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    process.env.AWS_SESSION_TOKEN = 'example-session-token';
    expect(await defaultProvider()()).toMatchObject({
      accessKeyId: 'ASIAEXAMPLEKEY',
      secretAccessKey: 'example-secret',
      sessionToken: 'example-session-token',
    });
  });

  it('are refused with the SDK error when the environment has none', async () => {
    // A key without its secret is no credentials either.
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEKEY';
    await expect(defaultProvider()()).rejects.toMatchObject({
      name: 'CredentialsProviderError',
      message: 'Unable to find environment variable credentials.',
    });
  });
});
