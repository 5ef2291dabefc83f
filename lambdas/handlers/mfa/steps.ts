/**
 * What the routes of every MFA method share: which session a page accepts, the second-step page
 * of a method, and how a passed second step or an added method ends.
 */
import type { RequestContext } from '../../accounts/context.ts';
import { serializeCookie } from '../../http/cookies.ts';
import { seeOther } from '../../http/errors.ts';
import { checked } from '../../http/form.ts';
import { type HttpRequest, memberOf } from '../../http/handler.ts';
import { requestContext, safeNext, signedInCookies } from '../../http/member.ts';
import { redirect } from '../../http/respond.ts';
import { completeSecondStep, methodToAsk } from '../../mfa/challenge.ts';
import { sendSignInCode } from '../../mfa/phone.ts';
import { DEVICE_COOKIE, rememberBrowser } from '../../mfa/remembered-browsers.ts';
import { challengePage } from '../../pages/mfa.tsx';
import { securityKeyChallengePage } from '../../pages/mfa-webauthn.tsx';
import { settingUpFirstMethod } from '../../sessions/session.ts';
import type { PhoneFactor } from '../../store/factors.ts';
import type { SecondFactorUsed, SessionItem } from '../../store/items.ts';
import { ports } from './ports.ts';

export type Request = HttpRequest<Record<string, string> | undefined>;

export const nextOf = (value: string | undefined) => safeNext(value) ?? '/account';

/** The session of a setup page, and whether this is the first method, right after sign-up. */
export function setupSession(request: Request): { session: SessionItem; first: boolean } {
  const session = memberOf(request);
  return { session, first: settingUpFirstMethod(session) };
}

/**
 * The second step shown for a phone: a code goes out, unless one did within the last minute.
 * Throws the limit's problem (or the lockout's) for the page to show in place of the hint.
 */
async function sendCodeOnShow(request: Request, accountId: string, factor: PhoneFactor) {
  await sendSignInCode(accountId, factor, requestContext(request), ports, { evenIfJustSent: false });
}

/** The second-step page of this factor (or the primary one), with a problem to show. */
export async function challengeFor(
  request: Request,
  session: SessionItem,
  next: string,
  factorId?: string,
  problem?: string,
  /** Only when the page is shown (GET), not when it comes back with a problem. */
  sendsCode = false,
): Promise<string> {
  const asked = await methodToAsk(session.accountId, factorId);
  if (!asked) throw seeOther('/mfa/setup');
  const { factor, hasOthers } = asked;
  if (sendsCode && factor.kind === 'phone') await sendCodeOnShow(request, session.accountId, factor);
  if (factor.kind === 'webauthn') {
    const { csrfToken } = request;
    return securityKeyChallengePage({ csrfToken, factorId: factor.factorId, hasOthers, next, problem });
  }
  return challengePage({ csrfToken: request.csrfToken, factor, hasOthers, next, problem });
}

/** A method was added; the first one, right after sign-up, also passes this sign-in's second step. */
export async function methodAdded(
  session: SessionItem,
  first: boolean,
  context: RequestContext,
  used: SecondFactorUsed,
) {
  if (!first) return redirect('/account/security?notice=mfa-added');
  const cookie = await completeSecondStep(session, context, used);
  const response = redirect('/mfa/recovery-codes');
  response.cookies = signedInCookies(cookie);
  return response;
}

/** Whatever the method, a passed second step ends alike: AAL2, the browser remembered if asked. */
export async function secondStepPassed(
  request: Request,
  session: SessionItem,
  next: string,
  context: RequestContext,
  used: SecondFactorUsed,
) {
  const cookie = await completeSecondStep(session, context, used);
  const response = redirect(next);
  response.cookies = signedInCookies(cookie);
  if (checked(request.body, 'remember')) {
    const remembered = await rememberBrowser(session.accountId, context.now);
    response.cookies.push(
      serializeCookie(DEVICE_COOKIE, remembered.value, { maxAge: remembered.maxAgeSeconds }),
    );
  }
  return response;
}
