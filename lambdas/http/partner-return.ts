/**
 * The partner sign-in in progress in this browser. When the interaction page sends the member
 * away (to sign in, to create an account and confirm it by mail, to add and confirm an email),
 * it remembers where to come back to; the pages where those detours end (Profile, Sign-in and
 * security) take the member back to the interaction once, so a sign-up or an email confirmed
 * through a mailed link still ends at the partner.
 */
import { deleteCookie, serializeCookie } from './cookies.ts';
import { type HttpResult, redirect } from './respond.ts';

const RETURN_COOKIE = 'verity-return';
/** As long as an interaction lives. */
const RETURN_SECONDS = 3600;

export const rememberPartnerReturn = (uid: string): string =>
  serializeCookie(RETURN_COOKIE, uid, { maxAge: RETURN_SECONDS });

export const forgetPartnerReturn = (): string => deleteCookie(RETURN_COOKIE);

/** A redirect back to the interaction in progress (forgetting it), if there is one. */
export function backToPartner(cookies: Record<string, string>): HttpResult | undefined {
  const uid = cookies[RETURN_COOKIE];
  if (!uid || !/^[\w-]{10,64}$/.test(uid)) return undefined;
  const response = redirect(`/interaction/${uid}`);
  response.cookies = [forgetPartnerReturn()];
  return response;
}
