/** Setting up a phone for text or voice codes, and sending another sign-in code. */
import { badRequest } from '../../http/errors.ts';
import { field, query } from '../../http/form.ts';
import { memberOf } from '../../http/handler.ts';
import { requestContext } from '../../http/member.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { usedFactor } from '../../mfa/challenge.ts';
import {
  beginPhoneSetup,
  finishPhoneSetup,
  phoneSetupOf,
  resendSetupCode,
  sendSignInCode,
} from '../../mfa/phone.ts';
import { phoneCodePage, phoneNumberPage } from '../../pages/mfa-phone.tsx';
import type { PhoneFactor } from '../../store/factors.ts';
import * as store from '../../store/mfa.ts';
import { ports } from './ports.ts';
import { challengeFor, methodAdded, nextOf, type Request, setupSession } from './steps.ts';

type Route = (request: Request) => Promise<HttpResult>;

/** Problems a page shows and the member can act on: a wrong or expired code, a limit, a refused number. */
const shownProblem = (error: unknown) =>
  problemToShow(error, 'WrongCode', 'CodeExpired', 'CodesLocked', 'TooManyCodesSent', 'TextNotSent');

/** The code page of the setup under way, with a problem; back to the number when there is none. */
const codePage = async (request: Request, accountId: string, problem?: string, status = 200) => {
  const setup = await phoneSetupOf(accountId, requestContext(request).now);
  if (!setup) return redirect('/mfa/setup/phone');
  const resent = query(request.event, 'sent') === 'again';
  return html(phoneCodePage({ csrfToken: request.csrfToken, last4: setup.last4, problem, resent }), status);
};

export const phoneRoutes: Record<string, Route> = {
  'GET /mfa/setup/phone': async (request) => {
    return html(phoneNumberPage({ csrfToken: request.csrfToken, channels: ports.texts.channels }));
  },

  'POST /mfa/setup/phone': async (request) => {
    const session = memberOf(request);
    const phone = field(request.body, 'phone');
    const channel = field(request.body, 'channel');
    const page = (problems: { phone?: string; channel?: string }, status: number) =>
      html(
        phoneNumberPage({
          csrfToken: request.csrfToken,
          channels: ports.texts.channels,
          phone,
          channel,
          problems,
        }),
        status,
      );
    try {
      const result = await beginPhoneSetup(
        session.accountId,
        { phone, channel },
        requestContext(request),
        ports,
      );
      if (result.kind === 'problem') return page({ [result.field]: result.message }, 400);
    } catch (error) {
      const shown = shownProblem(error);
      if (!shown) throw error;
      return page({ phone: shown.message }, shown.status);
    }
    return redirect('/mfa/setup/phone/code');
  },

  'GET /mfa/setup/phone/code': async (request) => {
    const session = memberOf(request);
    return codePage(request, session.accountId);
  },

  'POST /mfa/setup/phone/code': async (request) => {
    const { session, first } = setupSession(request);
    const context = requestContext(request);
    let added: PhoneFactor;
    try {
      added = await finishPhoneSetup(
        session.accountId,
        { code: field(request.body, 'code'), name: field(request.body, 'name') },
        context,
        ports,
      );
    } catch (error) {
      const shown = shownProblem(error);
      if (!shown) throw error;
      return codePage(request, session.accountId, shown.message, shown.status);
    }
    return methodAdded(session, first, context, usedFactor(added));
  },

  'POST /mfa/setup/phone/resend': async (request) => {
    const session = memberOf(request);
    try {
      await resendSetupCode(session.accountId, requestContext(request), ports);
    } catch (error) {
      const shown = shownProblem(error);
      if (!shown) throw error;
      return codePage(request, session.accountId, shown.message, shown.status);
    }
    return redirect('/mfa/setup/phone/code?sent=again');
  },

  'POST /mfa/phone/resend': async (request) => {
    const next = nextOf(field(request.body, 'next'));
    const session = memberOf(request);
    const factor = await store.factorOf(session.accountId, field(request.body, 'factor'));
    if (factor?.kind !== 'phone') throw badRequest('Choose one of your sign-in methods.');
    const { factorId } = factor;
    try {
      const context = requestContext(request);
      await sendSignInCode(session.accountId, factor, context, ports, { evenIfJustSent: true });
    } catch (error) {
      const shown = shownProblem(error);
      if (!shown) throw error;
      const page = await challengeFor(request, session, next, factorId, shown.message);
      return html(page, shown.status);
    }
    // Showing the page again sends nothing more: a code went out just now.
    return redirect(`/mfa?factor=${encodeURIComponent(factorId)}&next=${encodeURIComponent(next)}`);
  },
};
