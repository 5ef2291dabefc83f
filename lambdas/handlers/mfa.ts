/**
 * Multi-factor authentication pages: setting up methods, recovery codes, the second step of
 * sign-in, and managing methods. Only these pages accept a session that has passed the password
 * but not yet a second factor.
 */

import type { RequestContext } from '../accounts/context.ts';
import { HttpError, seeOther } from '../http/errors.ts';
import { checked, field, formBody, query } from '../http/form.ts';
import { type HttpRequest, routedHandler } from '../http/handler.ts';
import {
  requestContext,
  requireMember,
  requireRecentSignIn,
  requireSignedIn,
  safeNext,
} from '../http/member.ts';
import { type HttpResult, html, redirect } from '../http/respond.ts';
import { fieldCipherFromEnvironment } from '../keys/field-encryption.ts';
import { mailOutbox } from '../mail/outbox.ts';
import { completeSecondStep, passFactorCode, passRecoveryCode } from '../mfa/challenge.ts';
import type { FactorKind } from '../mfa/factors.ts';
import {
  beginTotpSetup,
  createRecoveryCodes,
  finishTotpSetup,
  forgetAllBrowsers,
  removeFactor,
  renameFactor,
  setPrimaryFactor,
} from '../mfa/manage.ts';
import { LOW_RECOVERY_CODES } from '../mfa/recovery-codes.ts';
import { rememberBrowser } from '../mfa/remembered-browsers.ts';
import {
  challengePage,
  chooseMethodPage,
  recoveryChallengePage,
  recoveryCodesOfferPage,
  recoveryCodesPage,
  setupChoicePage,
  totpSetupPage,
} from '../pages/mfa.tsx';
import { securityKeyChallengePage } from '../pages/mfa-webauthn.tsx';
import * as accounts from '../store/accounts.ts';
import type { SessionItem } from '../store/items.ts';
import * as store from '../store/mfa.ts';
import { phoneRoutes, sendCodeOnShow } from './mfa-phone-routes.ts';
import type { MfaSteps } from './mfa-steps.ts';
import { webauthnRoutes } from './mfa-webauthn-routes.ts';

type Request = HttpRequest<Record<string, string> | undefined>;

/** The kinds a member can set up here, in the order the setup page offers them. */
const SETUP_KINDS: readonly FactorKind[] = ['totp', 'phone', 'webauthn'];

/** Setting up: the first method right after sign-up, or another one after a recent sign-in. */
async function requireSetupSession(request: Request): Promise<{ session: SessionItem; first: boolean }> {
  const session = await requireSignedIn(request);
  if (session.aal !== 2 && session.pendingMfa === 'setup') return { session, first: true };
  return { session: await requireRecentSignIn(request), first: false };
}

/** The second step: a session that passed the password and owes a factor. */
async function requireChallengeSession(request: Request, next: string): Promise<SessionItem> {
  const session = await requireSignedIn(request);
  if (session.aal === 2) throw seeOther(next);
  if (session.pendingMfa === 'setup') throw seeOther('/mfa/setup');
  return session;
}

const nextOf = (value: string | undefined) => safeNext(value) ?? '/account';

const isHttp = (error: unknown, ...statuses: number[]): error is HttpError =>
  error instanceof HttpError && statuses.includes(error.status);

async function challengeFor(
  request: Request,
  session: SessionItem,
  next: string,
  factorId?: string,
  problem?: string,
  /** Only when the page is shown (GET), not when it comes back with a problem. */
  sendsCode = false,
) {
  const [profile, factors] = await Promise.all([
    accounts.profileOf(session.accountId),
    store.factorsOf(session.accountId),
  ]);
  const factor = factors.find((f) => f.factorId === (factorId ?? profile?.mfaPrimary)) ?? factors[0];
  if (!factor) throw seeOther('/mfa/setup');
  if (sendsCode && factor.kind === 'phone') await sendCodeOnShow(request, session.accountId, factor);
  if (factor.kind === 'webauthn') {
    const hasOthers = factors.length > 1;
    const { csrfToken } = request;
    return securityKeyChallengePage({ csrfToken, factorId: factor.factorId, hasOthers, next, problem });
  }
  return challengePage({
    csrfToken: request.csrfToken,
    factor,
    hasOthers: factors.length > 1,
    next,
    problem,
  });
}

/** A method was added; the first one, right after sign-up, also passes this sign-in's second step. */
async function methodAdded(session: SessionItem, first: boolean, context: RequestContext) {
  if (!first) return redirect('/account?notice=mfa-added');
  // The first method: this sign-in has now passed both steps; next, recovery codes.
  await completeSecondStep(session, context);
  return redirect('/mfa/recovery-codes');
}

/** Whatever the method, a passed second step ends alike: AAL2, the browser remembered if asked. */
async function secondStepPassed(
  request: Request,
  session: SessionItem,
  next: string,
  context: RequestContext,
) {
  await completeSecondStep(session, context);
  const response = redirect(next);
  if (checked(request.body, 'remember'))
    response.cookies = [await rememberBrowser(session.accountId, context.now)];
  return response;
}

const steps: MfaSteps = {
  requireSetupSession,
  requireChallengeSession,
  challengeFor,
  methodAdded,
  secondStepPassed,
};

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  ...webauthnRoutes(steps),
  ...phoneRoutes(steps),

  'GET /mfa/setup': async (request) => {
    const { first } = await requireSetupSession(request);
    return html(setupChoicePage({ csrfToken: request.csrfToken, kinds: SETUP_KINDS, first }));
  },

  'GET /mfa/setup/totp': async (request) => {
    const { session } = await requireSetupSession(request);
    const profile = await accounts.profileOf(session.accountId);
    const setup = await beginTotpSetup(
      session.accountId,
      profile?.primaryEmail ?? 'Verity',
      requestContext(request),
      fieldCipherFromEnvironment(),
    );
    return html(totpSetupPage({ csrfToken: request.csrfToken, ...setup }));
  },

  'POST /mfa/setup/totp': async (request) => {
    const { session, first } = await requireSetupSession(request);
    const context = requestContext(request);
    const cipher = fieldCipherFromEnvironment();
    const result = await finishTotpSetup(
      session.accountId,
      { code: field(request.body, 'code'), name: field(request.body, 'name') },
      context,
      { cipher, mail: mailOutbox() },
    );
    if (result.kind === 'wrong-code') {
      const profile = await accounts.profileOf(session.accountId);
      const setup = await beginTotpSetup(
        session.accountId,
        profile?.primaryEmail ?? 'Verity',
        context,
        cipher,
      );
      const problem = 'That code is not right. Enter the code the app shows now.';
      return html(totpSetupPage({ csrfToken: request.csrfToken, ...setup, problem }), 400);
    }
    return methodAdded(session, first, context);
  },

  'GET /mfa/recovery-codes': async (request) => {
    const session = await requireMember(request);
    const replacing = (await store.recoveryCodesLeft(session.accountId)) > 0;
    return html(recoveryCodesOfferPage({ csrfToken: request.csrfToken, replacing }));
  },

  'POST /mfa/recovery-codes': async (request) => {
    const session = await requireRecentSignIn(request);
    const codes = await createRecoveryCodes(session.accountId, requestContext(request), mailOutbox());
    return html(recoveryCodesPage({ csrfToken: request.csrfToken, codes }));
  },

  'GET /mfa': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    const session = await requireChallengeSession(request, next);
    const factorId = query(request.event, 'factor');
    try {
      return html(await challengeFor(request, session, next, factorId, undefined, true));
    } catch (error) {
      // A phone's code was not sent (the per-phone limit, the lockout, a refused number): say why.
      if (!isHttp(error, 400, 429)) throw error;
      return html(await challengeFor(request, session, next, factorId, error.publicMessage), error.status);
    }
  },

  'POST /mfa': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = await requireChallengeSession(request, next);
    const context = requestContext(request);
    const factorId = field(request.body, 'factor') ?? '';
    const factor = await store.factorOf(session.accountId, factorId);
    if (!factor) throw new HttpError(400, 'invalid_request', 'Choose one of your sign-in methods.');
    try {
      await passFactorCode(
        session.accountId,
        factor,
        field(request.body, 'code') ?? '',
        context,
        fieldCipherFromEnvironment(),
      );
    } catch (error) {
      if (!isHttp(error, 401, 429)) throw error;
      return html(await challengeFor(request, session, next, factorId, error.publicMessage), error.status);
    }
    return secondStepPassed(request, session, next, context);
  },

  'GET /mfa/choose': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    const session = await requireChallengeSession(request, next);
    const factors = await store.factorsOf(session.accountId);
    return html(chooseMethodPage({ csrfToken: request.csrfToken, factors, next }));
  },

  'GET /mfa/recovery': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    await requireChallengeSession(request, next);
    return html(recoveryChallengePage({ csrfToken: request.csrfToken, next }));
  },

  'POST /mfa/recovery': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = await requireChallengeSession(request, next);
    const context = requestContext(request);
    let left: number;
    try {
      left = await passRecoveryCode(session.accountId, field(request.body, 'code') ?? '', context);
    } catch (error) {
      if (!isHttp(error, 401, 429)) throw error;
      const page = recoveryChallengePage({
        csrfToken: request.csrfToken,
        next,
        problem: error.publicMessage,
      });
      return html(page, error.status);
    }
    await completeSecondStep(session, context);
    // Running low: straight to making new codes, which the member can still put off.
    return redirect(left < LOW_RECOVERY_CODES ? '/account?notice=recovery-codes-low' : next);
  },

  'POST /mfa/methods/primary': async (request) => {
    const session = await requireRecentSignIn(request);
    await setPrimaryFactor(
      session.accountId,
      field(request.body, 'factor'),
      requestContext(request),
      mailOutbox(),
    );
    return redirect('/account?notice=mfa-primary-changed');
  },

  'POST /mfa/methods/remove': async (request) => {
    const session = await requireRecentSignIn(request);
    await removeFactor(
      session.accountId,
      field(request.body, 'factor'),
      requestContext(request),
      mailOutbox(),
    );
    return redirect('/account?notice=mfa-removed');
  },

  'POST /mfa/methods/rename': async (request) => {
    const session = await requireRecentSignIn(request);
    await renameFactor(
      session.accountId,
      field(request.body, 'factor'),
      field(request.body, 'name'),
      requestContext(request),
      mailOutbox(),
    );
    return redirect('/account?notice=mfa-renamed');
  },

  'POST /mfa/forget-browsers': async (request) => {
    const session = await requireRecentSignIn(request);
    await forgetAllBrowsers(session.accountId, requestContext(request), mailOutbox());
    return redirect('/account?notice=browsers-forgotten');
  },
};

export const handler = routedHandler('mfa', { body: formBody }, routes);
