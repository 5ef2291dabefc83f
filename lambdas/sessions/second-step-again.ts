import type { SessionItem } from '../store/items.ts';
import * as sessionStore from '../store/sessions.ts';
import { rotatedSession } from './session.ts';

/**
 * A session signed in through a remembered browser, for a partner that does not count one: it
 * owes the second step again (same sign-in time, a new secret), and no password. Returns the new
 * session cookie's value, or nothing when the session ended meanwhile.
 */
export async function askSecondStepAgain(session: SessionItem, now: Date): Promise<string | undefined> {
  const lowered = rotatedSession(session, now, { aal: 1, pendingMfa: 'challenge' });
  return (await sessionStore.replaceSession(session, lowered.item)) === 'ok' ? lowered.cookie : undefined;
}
