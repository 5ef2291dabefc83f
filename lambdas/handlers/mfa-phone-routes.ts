import { HttpError } from '../http/errors.ts';
import { field, query } from '../http/form.ts';
import type { HttpRequest } from '../http/handler.ts';
import { requestContext, requestTime, safeNext } from '../http/member.ts';
import { type HttpResult, html, redirect } from '../http/respond.ts';
import { fieldCipherFromEnvironment } from '../keys/field-encryption.ts';
import { pepperFromEnvironment } from '../keys/pepper.ts';
import { sesMailer } from '../mail/mailer.ts';
import type { PhoneFactor } from '../mfa/factors.ts';
import {
  beginPhoneSetup,
  finishPhoneSetup,
  phoneSetupOf,
  resendSetupCode,
  type SendPorts,
  sendSignInCode,
} from '../mfa/phone.ts';
import { textSenderFromEnvironment } from '../mfa/texts.ts';
import { phoneCodePage, phoneNumberPage } from '../pages/mfa-phone.tsx';
import * as store from '../store/mfa.ts';
import type { MfaSteps } from './mfa-steps.ts';

type Request = HttpRequest<Record<string, string> | undefined>;
type Route = (request: Request) => Promise<HttpResult>;

const nextOf = (value: string | undefined) => safeNext(value) ?? '/account';

/** Problems a page shows and the member can act on: a wrong or expired code, a limit, a refused number. */
const isShown = (error: unknown): error is HttpError =>
  error instanceof HttpError && [400, 401, 429].includes(error.status);

const sendPorts = (): SendPorts => ({
  cipher: fieldCipherFromEnvironment(),
  texts: textSenderFromEnvironment(),
});

/**
 * The second step shown for a phone: a code goes out, unless one did within the last minute.
 * Throws the limit's 429 (or the lockout's) for the page to show in place of the hint.
 */
export async function sendCodeOnShow(request: Request, accountId: string, factor: PhoneFactor) {
  await sendSignInCode(accountId, factor, requestContext(request), sendPorts(), { evenIfJustSent: false });
}

export function phoneRoutes(steps: MfaSteps): Record<string, Route> {
  /** The code page of the setup under way, with a problem; back to the number when there is none. */
  const codePage = async (request: Request, accountId: string, problem?: string, status = 200) => {
    const setup = await phoneSetupOf(accountId, requestTime(request));
    if (!setup) return redirect('/mfa/setup/phone');
    const resent = query(request.event, 'sent') === 'again';
    return html(phoneCodePage({ csrfToken: request.csrfToken, last4: setup.last4, problem, resent }), status);
  };

  return {
    'GET /mfa/setup/phone': async (request) => {
      await steps.requireSetupSession(request);
      const { channels } = textSenderFromEnvironment();
      return html(phoneNumberPage({ csrfToken: request.csrfToken, channels }));
    },

    'POST /mfa/setup/phone': async (request) => {
      const { session } = await steps.requireSetupSession(request);
      const phone = field(request.body, 'phone');
      const channel = field(request.body, 'channel');
      const ports = { ...sendPorts(), pepper: pepperFromEnvironment() };
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
        if (!isShown(error)) throw error;
        return page({ phone: error.publicMessage }, error.status);
      }
      return redirect('/mfa/setup/phone/code');
    },

    'GET /mfa/setup/phone/code': async (request) => {
      const { session } = await steps.requireSetupSession(request);
      return codePage(request, session.accountId);
    },

    'POST /mfa/setup/phone/code': async (request) => {
      const { session, first } = await steps.requireSetupSession(request);
      const context = requestContext(request);
      try {
        await finishPhoneSetup(
          session.accountId,
          { code: field(request.body, 'code'), name: field(request.body, 'name') },
          context,
          sesMailer(),
        );
      } catch (error) {
        if (!isShown(error) || error.code === 'setup_expired') throw error;
        return codePage(request, session.accountId, error.publicMessage, error.status);
      }
      return steps.methodAdded(session, first, context);
    },

    'POST /mfa/setup/phone/resend': async (request) => {
      const { session } = await steps.requireSetupSession(request);
      try {
        await resendSetupCode(session.accountId, requestContext(request), sendPorts());
      } catch (error) {
        if (!isShown(error) || error.code === 'setup_expired') throw error;
        return codePage(request, session.accountId, error.publicMessage, error.status);
      }
      return redirect('/mfa/setup/phone/code?sent=again');
    },

    'POST /mfa/phone/resend': async (request) => {
      const next = nextOf(field(request.body, 'next'));
      const session = await steps.requireChallengeSession(request, next);
      const factorId = field(request.body, 'factor') ?? '';
      const factor = await store.factorOf(session.accountId, factorId);
      if (factor?.kind !== 'phone') {
        throw new HttpError(400, 'invalid_request', 'Choose one of your sign-in methods.');
      }
      try {
        const context = requestContext(request);
        await sendSignInCode(session.accountId, factor, context, sendPorts(), { evenIfJustSent: true });
      } catch (error) {
        if (!isShown(error)) throw error;
        const page = await steps.challengeFor(request, session, next, factorId, error.publicMessage);
        return html(page, error.status);
      }
      // Showing the page again sends nothing more: a code went out just now.
      return redirect(`/mfa?factor=${encodeURIComponent(factorId)}&next=${encodeURIComponent(next)}`);
    },
  };
}
