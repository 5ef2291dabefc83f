/**
 * Workforce routes: the gateway checks tokens like API Gateway's JWT authorizer (401), the
 * handler checks groups (403). Tokens come from the real cognito-local pool of this run.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, inject, it } from 'vitest';
import { expectSecurityHeaders } from '../support/security-headers.ts';

const verity = inject('verity');
const site = verity.siteUrl;
const cognito = new CognitoIdentityProviderClient({});

async function accessToken(username: string, password: string): Promise<string> {
  const result = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: verity.workforce.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  return result.AuthenticationResult?.AccessToken as string;
}

const seeded = (group: string) => {
  const user = verity.workforce.users.find((u) => u.group === group);
  if (!user) throw new Error(`no seeded ${group}`);
  return accessToken(user.username, user.password);
};

const me = (authorization?: string) =>
  fetch(`${site}/workforce/me`, { headers: authorization ? { authorization } : {} });

describe('workforce routes', () => {
  it('let the seeded partner admin in and tell their group', async () => {
    const response = await me(`Bearer ${await seeded('partner-admins')}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ groups: ['partner-admins'] });
  });

  it('let the seeded agent in', async () => {
    const response = await me(`Bearer ${await seeded('agents')}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ groups: ['agents'] });
  });

  it('answer a missing token with 401 and the security headers', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expectSecurityHeaders(response.headers, 'the gateway 401');
  });

  it('answer a malformed, tampered or foreign token with 401', async () => {
    const token = await seeded('agents');
    const [header, payload] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['partner-admins'] })).toString(
      'base64url',
    );
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    for (const authorization of [
      'Bearer',
      'Bearer not-a-jwt',
      `Basic ${token}`,
      `Bearer ${header}.${forged}.${token.split('.')[2]}`,
      `Bearer ${unsigned}`,
    ]) {
      expect((await me(authorization)).status, authorization.slice(0, 20)).toBe(401);
    }
  });

  it('answer a valid token of a user in no workforce group with 403', async () => {
    const username = `nobody-${Date.now()}@verity.local`;
    const password = 'a long enough password 1';
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: verity.workforce.userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: username }],
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: verity.workforce.userPoolId,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    const response = await me(`Bearer ${await accessToken(username, password)}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'forbidden' });
  });
});
