/**
 * THE table from domain problems (lambdas/core/problems.ts) to what a request ends in: a status,
 * a stable code for JSON answers, and a sentence a member can act on. Exhaustive by type: a new
 * problem kind does not compile until it has its line here.
 */
import { isProblem, type Problem, type ProblemKind } from '../core/problems.ts';

export interface ProblemAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Field-level errors, by field name, for JSON answers (a partner registration). */
  readonly fields?: Readonly<Record<string, string>>;
}

type Answers = { [K in ProblemKind]: (problem: Extract<Problem, { kind: K }>) => ProblemAnswer };

const answers: Answers = {
  SignInFailed: () => ({
    status: 401,
    code: 'sign_in_failed',
    message: 'The email or password you entered is not right. Check them and try again.',
  }),
  WrongPassword: () => ({
    status: 401,
    code: 'wrong_password',
    message: 'That is not the password of this account. Check it and try again.',
  }),
  SignInThrottled: (p) => ({
    status: 429,
    code: 'too_many_requests',
    message: `Too many tries to sign in with this email. Wait ${waitPhrase(p.retryAfterSeconds)} and try again, or reset your password.`,
  }),
  AccountLocked: () => ({
    status: 403,
    code: 'account_locked',
    message: 'This account is locked after too many wrong passwords. Reset your password to unlock it.',
  }),
  AccountGone: () => ({ status: 404, code: 'not_found', message: 'This account no longer exists.' }),
  AccountChanged: () => ({
    status: 409,
    code: 'account_changed',
    message: 'Your account changed while it was being deleted. Try again.',
  }),
  LinkNotValid: (p) => ({
    status: 400,
    code: 'link_not_valid',
    message: {
      mail: 'This link has expired, was already used, or was replaced by a newer one. Ask for a new link below.',
      reset:
        'This reset link has expired or was already used. Ask for a new one on the Forgot password page.',
      'account-reset': 'This link has expired, was already used, or the request was cancelled.',
    }[p.link],
  }),
  EmailHeldElsewhere: () => ({
    status: 409,
    code: 'email_taken',
    message:
      'This email address now belongs to another Verity account. Sign in to that account, or use another address.',
  }),
  ConfirmationMailsThrottled: () => ({
    status: 429,
    code: 'too_many_requests',
    message: 'Too many confirmation emails for this address. Try again in an hour.',
  }),
  EmailNotOnAccount: () => ({
    status: 404,
    code: 'not_found',
    message: 'That email is not on your account.',
  }),
  EmailAlreadyConfirmed: () => ({
    status: 409,
    code: 'already_confirmed',
    message: 'That email is already confirmed.',
  }),
  EmailNotConfirmed: () => ({
    status: 409,
    code: 'not_confirmed',
    message: 'Only a confirmed email can be the primary. Confirm it first.',
  }),
  CannotRemoveEmail: () => ({
    status: 409,
    code: 'cannot_remove',
    message:
      'You cannot remove your primary email or your only confirmed email. Set another confirmed email as primary first.',
  }),
  MoveNeedsDeletionConsent: () => ({
    status: 400,
    code: 'confirm_deletion',
    message:
      'This is the only email of the other account, so moving it deletes that account. Check the box to confirm.',
  }),
  MoveOfPrimaryEmail: () => ({
    status: 409,
    code: 'primary_email',
    message:
      'This is the primary email of the account that holds it. Sign in to that account, set another email as primary, then use this link again.',
  }),
  MoveNeedsRecoveryCode: () => ({
    status: 400,
    code: 'code_needed',
    message:
      'That account signs in with a method this page cannot check. Enter one of its recovery codes instead.',
  }),
  AccountResetNotReady: () => ({
    status: 409,
    code: 'not_ready',
    message: 'The 24-hour wait is not over yet. Come back when it is.',
  }),
  SessionEnded: () => ({
    status: 401,
    code: 'session_ended',
    message: 'You were signed out while this page was open. Sign in again to continue.',
  }),
  WrongCode: () => ({
    status: 401,
    code: 'wrong_code',
    message: 'That code is not right. Check it and try again.',
  }),
  CodesLocked: (p) => ({
    status: 429,
    code: 'too_many_codes',
    message: `Too many wrong codes. Wait ${waitPhrase(p.retryAfterSeconds)}, then try again.`,
  }),
  WrongRecoveryCode: () => ({
    status: 401,
    code: 'wrong_code',
    message: 'That recovery code is not right, or was already used.',
  }),
  RecoveryCodesLocked: (p) => ({
    status: 429,
    code: 'too_many_codes',
    message: `Too many wrong recovery codes. Wait ${waitPhrase(p.retryAfterSeconds)}, then try again.`,
  }),
  KeyRefused: () => ({
    status: 401,
    code: 'wrong_key',
    message: 'Your security key was not accepted. Try again, or choose another method.',
  }),
  NoSecurityKey: () => ({
    status: 400,
    code: 'invalid_request',
    message: 'There is no security key on your account.',
  }),
  CeremonyExpired: () => ({
    status: 400,
    code: 'ceremony_expired',
    message: 'This took longer than 5 minutes. Select Use your security key again.',
  }),
  UseMethodPage: () => ({
    status: 400,
    code: 'invalid_request',
    message: 'Use the page for this sign-in method.',
  }),
  CodeExpired: () => ({
    status: 401,
    code: 'code_expired',
    message: 'That code has expired. Choose Send another code to get a new one.',
  }),
  TooManyCodesSent: (p) => ({
    status: 429,
    code: 'too_many_texts',
    message: `We already sent ${p.max} codes to this phone in the last 10 minutes. Wait ${waitPhrase(p.retryAfterSeconds)}, then ask for another code.`,
  }),
  TextNotSent: () => ({
    status: 400,
    code: 'text_not_sent',
    message:
      'We could not send a code to that phone number. Check the number, or choose another way to get codes.',
  }),
  SetupExpired: (p) => ({
    status: 400,
    code: 'setup_expired',
    message: `This setup took longer than 15 minutes. Start again to get a new ${p.what}.`,
  }),
  MethodNotOnAccount: () => ({
    status: 404,
    code: 'not_found',
    message: 'That sign-in method is not on your account.',
  }),
  CannotRemoveMethod: () => ({
    status: 409,
    code: 'cannot_remove',
    message:
      'You cannot remove your only sign-in method or your primary one. Add another or choose another primary first.',
  }),
  RecoveryCodesChanged: () => ({
    status: 409,
    code: 'recovery_codes_changed',
    message:
      'Your recovery codes were replaced from another window just now. Create new codes again if you need them.',
  }),
  InvalidClientMetadata: (p) => ({
    status: 400,
    code: 'invalid_client_metadata',
    message: registrationMessage(p.fields),
    fields: p.fields,
  }),
  PartnerNotFound: () => ({
    status: 404,
    code: 'not_found',
    message: 'There is no partner with this client id.',
  }),
  PartnerNotConnected: () => ({
    status: 404,
    code: 'not_connected',
    message: 'That partner is not connected to your account (perhaps it was disconnected already).',
  }),
  VerificationThrottled: (p) => ({
    status: 429,
    code: 'verification_throttled',
    message: `${
      p.what === 'documents'
        ? 'You have checked documents 5 times in the last 6 hours.'
        : p.what === 'records'
          ? 'You have checked your information against records 5 times in the last 6 hours.'
          : 'This Social Security number was checked too many times in the last hour.'
    } For your protection, come back in ${waitPhrase(p.retryAfterSeconds)} and try again. Nothing you entered is lost.`,
  }),
  VerificationStepNotReady: () => ({
    status: 409,
    code: 'verification_step_not_ready',
    message: 'That step of verifying your identity comes later. Continue where you stopped.',
  }),
  PartnerChanged: () => ({
    status: 409,
    code: 'partner_changed',
    message: 'This partner was changed by someone else just now. Read it again, then send your change.',
  }),
  ReviewNotFound: () => ({
    status: 404,
    code: 'review_not_found',
    message: 'There is no review at this address, or it has ended. Go back to the queue.',
  }),
  ReviewNotYours: () => ({
    status: 403,
    code: 'review_not_yours',
    message: 'Another agent took this member. Only the agent who took a review can see and decide it.',
  }),
  ReviewDecided: () => ({
    status: 409,
    code: 'review_decided',
    message: 'This review was decided already. A decision cannot be changed; go back to the queue.',
  }),
  AgentOwnAccount: () => ({
    status: 403,
    code: 'own_account',
    message:
      'You cannot decide on this member: their account holds your own email address. Ask another agent to take this member.',
  }),
  ReviewChanged: () => ({
    status: 409,
    code: 'review_changed',
    message: "The member's information changed while you were deciding. Open the review again.",
  }),
};

/** "Check redirect_uris[0]: must use https, ..." and how many other fields need a change. */
function registrationMessage(fields: Readonly<Record<string, string>>): string {
  const [first, ...others] = Object.entries(fields);
  if (!first) return 'Send the registration as a JSON object.';
  const more =
    others.length === 0 ? '' : ` (and ${others.length} more field${others.length === 1 ? '' : 's'})`;
  return `Check ${first[0]}: ${first[1]}${more}.`;
}

export function answerTo(problem: Problem): ProblemAnswer {
  return (answers[problem.kind] as (p: Problem) => ProblemAnswer)(problem);
}

/** The answer to show on the form when `error` is one of these problems; undefined otherwise. */
export function problemToShow(error: unknown, ...kinds: ProblemKind[]): ProblemAnswer | undefined {
  return isProblem(error, ...kinds) ? answerTo(error.problem) : undefined;
}

/** "2 minutes", "1 hour": how long a refused member waits, rounded up. */
export function waitPhrase(seconds: number): string {
  if (seconds <= 60) return 'a minute';
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? 'an hour' : `${hours} hours`;
}
