/**
 * The workforce user pool, as data: the CDK stack and the local bootstrap build the same pool
 * (groups, password policy, app client flows) from here.
 */
import type { WorkforceGroup } from './routes.ts';

export const workforcePool = {
  name: 'verity-workforce',
  groups: [
    { name: 'agents', description: 'Verification agents: review members in the video-verification queue' },
    { name: 'partner-admins', description: 'Partner administrators: register partners and their policies' },
  ] satisfies { name: WorkforceGroup; description: string }[],
  passwordPolicy: { minLength: 12 },
  /** The SPA-style public client the workforce pages and scripts use (no client secret). */
  clientName: 'verity-workforce-web',
  /**
   * How the client may sign in. USER_PASSWORD_AUTH: Verity's own hosted workforce sign-in pages
   * (lambdas/agents/sign-in.ts) send the password to Cognito from the server over TLS, then the
   * TOTP code (RespondToAuthChallenge); SRP stays for scripts; refresh tokens for sessions.
   */
  authFlows: { userPassword: true, userSrp: true },
  /** Access tokens live one hour; refresh tokens one working day. */
  accessTokenMinutes: 60,
  refreshTokenHours: 12,
} as const;

/** How API Gateway's JWT authorizer hands claims to a Lambda: string values, arrays as "[a b]". */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.length === 0) return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/[\s,]+/).filter(Boolean);
}
