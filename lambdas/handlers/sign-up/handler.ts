/**
 * The links that arrive by mail: confirm an email, move an email, and Resend confirmation.
 * Create account itself sets a password, so it is in passwords.ts.
 */
import { resendSignUpConfirmation } from '../../accounts/sign-up-confirmation.ts';
import type { Ports } from '../../core/ports.ts';
import { confirmEmailAddress, describeConfirmationLink } from '../../emails/confirm.ts';
import { describeMove, moveEmail } from '../../emails/move.ts';
import { HttpError } from '../../http/errors.ts';
import { checked, field, formBody, query } from '../../http/form.ts';
import { asHttpError, type HttpRequest, routedHandler } from '../../http/handler.ts';
import { memberSession, requestContext, requestTime, signedInCookies } from '../../http/member.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { DEVICE_COOKIE, isRememberedBrowser } from '../../mfa/remembered-browsers.ts';
import { emailMovedPage, moveEmailPage } from '../../pages/account.tsx';
import { checkEmailPage, confirmEmailPage, deadLinkPage } from '../../pages/sign-up.tsx';

type Request = HttpRequest<Record<string, string> | undefined>;

/** Built once, at module load: the ports of this Lambda's grants (sendsMail, usesPepper, encryptsFields). */
const ports = {
  mail: mailOutbox(),
  pepper: pepperFromEnvironment(),
  cipher: fieldCipherFromEnvironment(),
} satisfies Partial<Ports>;

const isHttp = (error: unknown, ...statuses: number[]): error is HttpError =>
  error instanceof HttpError && statuses.includes(error.status);

const deadLinkAnswer = (request: Request, error: HttpError) =>
  html(deadLinkPage({ csrfToken: request.csrfToken, message: error.publicMessage }), 400);

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  'POST /resend-confirmation': async (request) => {
    const email = field(request.body, 'email');
    const result = await resendSignUpConfirmation({ email }, requestContext(request), ports);
    if (result.kind === 'problems') {
      const message = 'Enter the email address you used to create your account.';
      return html(
        deadLinkPage({ csrfToken: request.csrfToken, message, problem: result.problems.email, email }),
        400,
      );
    }
    return html(checkEmailPage({ csrfToken: request.csrfToken, address: result.address, resent: true }));
  },

  'GET /confirm-email': async (request) => {
    const token = query(request.event, 'token');
    try {
      const link = await describeConfirmationLink(token, requestTime(request));
      return html(confirmEmailPage({ csrfToken: request.csrfToken, token: token as string, ...link }));
    } catch (thrown) {
      const error = asHttpError(thrown) ?? thrown;
      if (isHttp(error, 400)) return deadLinkAnswer(request, error);
      throw error;
    }
  },

  'POST /confirm-email': async (request) => {
    const token = field(request.body, 'token');
    try {
      const context = requestContext(request);
      const done = await confirmEmailAddress(
        {
          token,
          password: field(request.body, 'password'),
          currentSession: await memberSession(request, context.now),
          rememberedBrowser: (id) => isRememberedBrowser(request.cookies[DEVICE_COOKIE], id, context.now),
        },
        context,
        ports,
      );
      // A new account goes on to set up its first sign-in method; a confirmed added email to its
      // account (through the second step when this browser was not already signed in to it).
      const response = redirect(
        done.purpose === 'sign-up' ? '/mfa/setup' : '/account?notice=email-confirmed',
      );
      if (done.cookie) response.cookies = signedInCookies(done.cookie);
      return response;
    } catch (thrown) {
      const error = asHttpError(thrown) ?? thrown;
      if (isHttp(error, 400)) return deadLinkAnswer(request, error);
      if (!isHttp(error, 401, 429)) throw error;
      // A wrong password: the same page again, with the reason next to the field.
      const link = await describeConfirmationLink(token, requestTime(request));
      const page = {
        csrfToken: request.csrfToken,
        token: token as string,
        ...link,
        problem: error.publicMessage,
      };
      return html(confirmEmailPage(page), error.status);
    }
  },

  'GET /move-email': async (request) => {
    const token = query(request.event, 'token');
    try {
      const move = await describeMove(token, requestTime(request));
      return html(moveEmailPage({ csrfToken: request.csrfToken, token: token as string, ...move }));
    } catch (thrown) {
      const error = asHttpError(thrown) ?? thrown;
      if (isHttp(error, 400)) return deadLinkAnswer(request, error);
      throw error;
    }
  },

  'POST /move-email': async (request) => {
    const token = field(request.body, 'token');
    try {
      const moved = await moveEmail(
        {
          token,
          password: field(request.body, 'password'),
          code: field(request.body, 'code'),
          confirmDeletion: checked(request.body, 'confirmDeletion'),
        },
        requestContext(request),
        ports,
      );
      return html(emailMovedPage(moved));
    } catch (thrown) {
      const error = asHttpError(thrown) ?? thrown;
      if (isHttp(error, 400) && error.code === 'link_not_valid') return deadLinkAnswer(request, error);
      if (!isHttp(error, 400, 401, 429)) throw error;
      const move = await describeMove(token, requestTime(request));
      return html(
        moveEmailPage({
          csrfToken: request.csrfToken,
          token: token as string,
          ...move,
          problem: { field: moveProblemField(error.code), message: error.publicMessage },
        }),
        error.status,
      );
    }
  },
};

/** Which field of the move page an error belongs to. */
function moveProblemField(code: string): 'password' | 'code' | 'confirmDeletion' {
  if (code === 'confirm_deletion') return 'confirmDeletion';
  return ['wrong_code', 'code_needed', 'too_many_codes'].includes(code) ? 'code' : 'password';
}

export const handler = routedHandler('sign-up', { body: formBody }, routes);
