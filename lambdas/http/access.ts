/**
 * Enforces the member levels that lib/routes.ts declares, for the Lambdas that serve member
 * routes (they pass `memberAccess` to the pipeline; Lambdas without member routes never load the
 * session store). Someone who has not come far enough is sent where they can: Sign in, the
 * second step, the first method's setup, or the password again for a sensitive action.
 */
import type { MemberLevel } from '../../lib/routes.ts';
import { settingUpFirstMethod, signedInRecently } from '../sessions/session.ts';
import type { SessionItem } from '../store/items.ts';
import { seeOther } from './errors.ts';
import { memberSession, safeNext } from './member.ts';

/** What the pipeline knows of a request when it checks access. */
export interface AccessRequest {
  readonly method: string;
  readonly path: string;
  readonly cookies: Record<string, string>;
  readonly query: Record<string, string | undefined>;
  readonly body: unknown;
  readonly timeEpoch: number | undefined;
}

export type MemberAccess = (level: MemberLevel, request: AccessRequest) => Promise<SessionItem>;

/** The session of a member who has come at least as far as `level`, or a detour (303). */
export const memberAccess: MemberAccess = async (level, request) => {
  const now = new Date(request.timeEpoch ?? Date.now());
  const session = await memberSession(request, now);
  if (!session) throw seeOther(`/sign-in?next=${encodeURIComponent(returnPath(request))}`);
  switch (level) {
    case 'first-step':
      return session;
    case 'second-step': {
      if (session.aal === 2) throw seeOther(nextOf(request));
      if (session.pendingMfa === 'setup') throw seeOther('/mfa/setup');
      return session;
    }
    case 'setting-up':
      return settingUpFirstMethod(session) ? session : recent(session, request, now);
    case 'aal2':
      return aal2(session, request);
    case 'recent':
      return recent(session, request, now);
  }
};

function aal2(session: SessionItem, request: AccessRequest): SessionItem {
  if (session.aal === 2) return session;
  if (session.pendingMfa === 'setup') throw seeOther('/mfa/setup');
  throw seeOther(`/mfa?next=${encodeURIComponent(returnPath(request))}`);
}

/** Both steps within the last 20 minutes, else the password and a second factor again. */
function recent(session: SessionItem, request: AccessRequest, now: Date): SessionItem {
  aal2(session, request);
  if (!signedInRecently(session, now)) {
    throw seeOther(`/reauthenticate?next=${encodeURIComponent(returnPath(request))}`);
  }
  return session;
}

/** Where the second step goes on to: the `next` the page or form carries. */
function nextOf(request: AccessRequest): string {
  const fromForm = (request.body as Record<string, string> | undefined)?.next;
  return safeNext(fromForm ?? request.query.next) ?? '/account';
}

/** Where a detour should come back to: the page itself, or the page a form was posted from. */
function returnPath(request: AccessRequest): string {
  const notice = request.query.notice;
  const path =
    request.method === 'GET'
      ? `${request.path}${notice ? `?notice=${notice}` : ''}`
      : (accountPageFor(request.path) ?? '/account');
  return safeNext(path) ?? '/account';
}

/**
 * The page a form is posted from: the interaction page for its own forms; in My Account, Profile
 * for the Email section, Connected partners for its own forms, Sign-in and security for the
 * password, methods and deletion.
 */
function accountPageFor(path: string): string | undefined {
  const interaction = /^\/interaction\/[\w-]+/.exec(path)?.[0];
  if (interaction) return interaction;
  if (path.startsWith('/account/emails/')) return '/account';
  if (path.startsWith('/account/partners/')) return '/account/partners';
  if (path.startsWith('/account/') || path.startsWith('/mfa/')) return '/account/security';
  return undefined;
}
