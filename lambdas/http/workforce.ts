/**
 * Workforce access. The JWT authorizer (API Gateway in the cloud, the local gateway here) has
 * already checked the token's signature, issuer, audience and expiry; the groups a route needs
 * are checked here because an HTTP API authorizer cannot read `cognito:groups`.
 */
import type { Access } from '../../lib/routes.ts';
import { parseGroupsClaim } from '../../lib/workforce.ts';
import { HttpError } from './errors.ts';

export interface WorkforceUser {
  readonly username: string;
  readonly groups: readonly string[];
  /** From an ID token (the agent console's cookie): no agent decides on an account with their own email. */
  readonly email?: string;
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

export function requireWorkforce(access: Access, claims: Claims | undefined): WorkforceUser | undefined {
  if (access.kind !== 'workforce') return undefined;
  if (!claims) throw new HttpError(401, 'unauthorized', 'Sign in with your workforce account.');
  const groups = parseGroupsClaim(claims['cognito:groups']);
  if (!access.groups.some((g) => groups.includes(g))) {
    throw new HttpError(403, 'forbidden', 'Your workforce account is not in a group that may use this.');
  }
  return { username: String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? ''), groups };
}
