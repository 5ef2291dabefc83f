/**
 * Multi-factor authentication pages: setting up methods, recovery codes, the second step of
 * sign-in, and managing methods. Only these pages accept a session that has passed the password
 * but not yet a second factor.
 */

import { memberAccess } from '../../http/access.ts';
import { badRequest } from '../../http/errors.ts';
import { field, formBody, query } from '../../http/form.ts';
import { memberOf, routedHandler } from '../../http/handler.ts';
import { requestContext, signedInCookies } from '../../http/member.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { completeSecondStep, passFactorCode, passRecoveryCode, usedFactor } from '../../mfa/challenge.ts';
import {
  beginTotpSetup,
  createRecoveryCodes,
  finishTotpSetup,
  forgetAllBrowsers,
  removeFactor,
  renameFactor,
  setPrimaryFactor,
} from '../../mfa/manage.ts';
import { LOW_RECOVERY_CODES } from '../../mfa/recovery-codes.ts';
import {
  chooseMethodPage,
  recoveryChallengePage,
  recoveryCodesOfferPage,
  recoveryCodesPage,
  setupChoicePage,
  totpSetupPage,
} from '../../pages/mfa.tsx';
import type { FactorKind } from '../../store/factors.ts';
import * as store from '../../store/mfa.ts';
import * as profileStore from '../../store/profile.ts';
import { phoneRoutes } from './phone-routes.ts';
import { ports } from './ports.ts';
import { securityKeyRoutes } from './security-key-routes.ts';
import { challengeFor, methodAdded, nextOf, type Request, secondStepPassed, setupSession } from './steps.ts';

/** The kinds a member can set up here, in the order the setup page offers them. */
const SETUP_KINDS: readonly FactorKind[] = ['totp', 'phone', 'webauthn'];

/** Problems the second-step pages show beside the code. */
const SECOND_STEP_PROBLEMS = ['WrongCode', 'CodesLocked', 'CodeExpired'] as const;
const SEND_PROBLEMS = ['TooManyCodesSent', 'CodesLocked', 'TextNotSent'] as const;

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  ...securityKeyRoutes,
  ...phoneRoutes,

  'GET /mfa/setup': async (request) => {
    const { first } = setupSession(request);
    return html(setupChoicePage({ csrfToken: request.csrfToken, kinds: SETUP_KINDS, first }));
  },

  'GET /mfa/setup/totp': async (request) => {
    const session = memberOf(request);
    const profile = await profileStore.profileOf(session.accountId);
    const setup = await beginTotpSetup(
      session.accountId,
      profile?.primaryEmail ?? 'Verity',
      requestContext(request),
      ports,
    );
    return html(totpSetupPage({ csrfToken: request.csrfToken, ...setup }));
  },

  'POST /mfa/setup/totp': async (request) => {
    const { session, first } = setupSession(request);
    const context = requestContext(request);
    const result = await finishTotpSetup(
      session.accountId,
      { code: field(request.body, 'code'), name: field(request.body, 'name') },
      context,
      ports,
    );
    if (result.kind === 'wrong-code') {
      const profile = await profileStore.profileOf(session.accountId);
      const setup = await beginTotpSetup(
        session.accountId,
        profile?.primaryEmail ?? 'Verity',
        context,
        ports,
      );
      const problem = 'That code is not right. Enter the code the app shows now.';
      return html(totpSetupPage({ csrfToken: request.csrfToken, ...setup, problem }), 400);
    }
    return methodAdded(session, first, context, 'otp');
  },

  'GET /mfa/recovery-codes': async (request) => {
    const session = memberOf(request);
    const replacing = (await store.recoveryCodesLeft(session.accountId)) > 0;
    return html(recoveryCodesOfferPage({ csrfToken: request.csrfToken, replacing }));
  },

  'POST /mfa/recovery-codes': async (request) => {
    const session = memberOf(request);
    const codes = await createRecoveryCodes(session.accountId, requestContext(request), ports);
    return html(recoveryCodesPage({ csrfToken: request.csrfToken, codes }));
  },

  'GET /mfa': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    const session = memberOf(request);
    const factorId = query(request.event, 'factor');
    try {
      return html(await challengeFor(request, session, next, factorId, undefined, true));
    } catch (error) {
      // A phone's code was not sent (the per-phone limit, the lockout, a refused number): say why.
      const shown = problemToShow(error, ...SEND_PROBLEMS);
      if (!shown) throw error;
      return html(await challengeFor(request, session, next, factorId, shown.message), shown.status);
    }
  },

  'POST /mfa': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = memberOf(request);
    const context = requestContext(request);
    const factorId = field(request.body, 'factor');
    const factor = await store.factorOf(session.accountId, factorId);
    if (!factor) throw badRequest('Choose one of your sign-in methods.');
    try {
      await passFactorCode(session.accountId, factor, field(request.body, 'code') ?? '', context, ports);
    } catch (error) {
      const shown = problemToShow(error, ...SECOND_STEP_PROBLEMS, 'UseMethodPage');
      if (!shown) throw error;
      return html(await challengeFor(request, session, next, factor.factorId, shown.message), shown.status);
    }
    return secondStepPassed(request, session, next, context, usedFactor(factor));
  },

  'GET /mfa/choose': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    const session = memberOf(request);
    const factors = await store.factorsOf(session.accountId);
    return html(chooseMethodPage({ csrfToken: request.csrfToken, factors, next }));
  },

  'GET /mfa/recovery': async (request) => {
    const next = nextOf(query(request.event, 'next'));
    return html(recoveryChallengePage({ csrfToken: request.csrfToken, next }));
  },

  'POST /mfa/recovery': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = memberOf(request);
    const context = requestContext(request);
    let left: number;
    try {
      left = await passRecoveryCode(session.accountId, field(request.body, 'code') ?? '', context);
    } catch (error) {
      const shown = problemToShow(error, 'WrongRecoveryCode', 'RecoveryCodesLocked', 'CodesLocked');
      if (!shown) throw error;
      const page = recoveryChallengePage({ csrfToken: request.csrfToken, next, problem: shown.message });
      return html(page, shown.status);
    }
    const cookie = await completeSecondStep(session, context, 'rec');
    // Running low: straight to making new codes, which the member can still put off; not in the
    // middle of signing in to a partner, which goes on where it was.
    const lowNow = left < LOW_RECOVERY_CODES && !next.startsWith('/interaction/');
    const response = redirect(lowNow ? '/account/security?notice=recovery-codes-low' : next);
    response.cookies = signedInCookies(cookie);
    return response;
  },

  'POST /mfa/methods/primary': async (request) => {
    const session = memberOf(request);
    await setPrimaryFactor(session.accountId, field(request.body, 'factor'), requestContext(request), ports);
    return redirect('/account/security?notice=mfa-primary-changed');
  },

  'POST /mfa/methods/remove': async (request) => {
    const session = memberOf(request);
    await removeFactor(session.accountId, field(request.body, 'factor'), requestContext(request), ports);
    return redirect('/account/security?notice=mfa-removed');
  },

  'POST /mfa/methods/rename': async (request) => {
    const session = memberOf(request);
    await renameFactor(
      session.accountId,
      field(request.body, 'factor'),
      field(request.body, 'name'),
      requestContext(request),
      ports,
    );
    return redirect('/account/security?notice=mfa-renamed');
  },

  'POST /mfa/forget-browsers': async (request) => {
    const session = memberOf(request);
    await forgetAllBrowsers(session.accountId, requestContext(request), ports);
    return redirect('/account/security?notice=browsers-forgotten');
  },
};

export const handler = routedHandler('mfa', { body: formBody, memberAccess }, routes);
