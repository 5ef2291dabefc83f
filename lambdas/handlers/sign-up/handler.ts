/**
 * The links that arrive by mail: confirm an email, move an email, and Resend confirmation.
 * Create account itself sets a password, so it is in passwords.ts.
 */
import { resendSignUpConfirmation } from '../../accounts/sign-up-confirmation.ts';
import type { Ports } from '../../core/ports.ts';
import { isProblem, type ProblemKind } from '../../core/problems.ts';
import { confirmEmailAddress, describeConfirmationLink } from '../../emails/confirm.ts';
import { describeMove, moveEmail } from '../../emails/move.ts';
import { checked, field, formBody, query } from '../../http/form.ts';
import { type HttpRequest, routedHandler } from '../../http/handler.ts';
import { memberSession, requestContext, requestTime, signedInCookies } from '../../http/member.ts';
import { type ProblemAnswer, problemToShow } from '../../http/problems.ts';
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

/** A link that no longer works: the page that explains and offers a new one. */
const deadLinkAnswer = (request: Request, shown: ProblemAnswer) =>
  html(deadLinkPage({ csrfToken: request.csrfToken, message: shown.message }), shown.status);

/** What the move page shows beside its fields, and which field each belongs to. */
const MOVE_PROBLEMS = {
  MoveNeedsDeletionConsent: 'confirmDeletion',
  WrongPassword: 'password',
  SignInThrottled: 'password',
  WrongCode: 'code',
  MoveNeedsRecoveryCode: 'code',
  CodesLocked: 'code',
  WrongRecoveryCode: 'code',
  RecoveryCodesLocked: 'code',
} as const satisfies Partial<Record<ProblemKind, 'password' | 'code' | 'confirmDeletion'>>;

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
    } catch (error) {
      const dead = problemToShow(error, 'LinkNotValid');
      if (dead) return deadLinkAnswer(request, dead);
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
    } catch (error) {
      const dead = problemToShow(error, 'LinkNotValid');
      if (dead) return deadLinkAnswer(request, dead);
      const shown = problemToShow(error, 'WrongPassword', 'SignInThrottled');
      if (!shown) throw error;
      // A wrong password: the same page again, with the reason next to the field.
      const link = await describeConfirmationLink(token, requestTime(request));
      const page = {
        csrfToken: request.csrfToken,
        token: token as string,
        ...link,
        problem: shown.message,
      };
      return html(confirmEmailPage(page), shown.status);
    }
  },

  'GET /move-email': async (request) => {
    const token = query(request.event, 'token');
    try {
      const move = await describeMove(token, requestTime(request));
      return html(moveEmailPage({ csrfToken: request.csrfToken, token: token as string, ...move }));
    } catch (error) {
      const dead = problemToShow(error, 'LinkNotValid');
      if (dead) return deadLinkAnswer(request, dead);
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
    } catch (error) {
      const dead = problemToShow(error, 'LinkNotValid');
      if (dead) return deadLinkAnswer(request, dead);
      const kinds = Object.keys(MOVE_PROBLEMS) as (keyof typeof MOVE_PROBLEMS)[];
      const shown = problemToShow(error, ...kinds);
      if (!shown || !isProblem(error, ...kinds)) throw error;
      const move = await describeMove(token, requestTime(request));
      return html(
        moveEmailPage({
          csrfToken: request.csrfToken,
          token: token as string,
          ...move,
          problem: { field: MOVE_PROBLEMS[error.problem.kind], message: shown.message },
        }),
        shown.status,
      );
    }
  },
};

export const handler = routedHandler('sign-up', { body: formBody }, routes);
