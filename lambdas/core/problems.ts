/**
 * The named outcomes that domain code ends a request with when it cannot do what was asked:
 * `WrongPassword`, `SignInThrottled`, `CodesLocked`, `EmailHeldElsewhere`... Capabilities throw
 * them (never an HTTP status, never a redirect); the HTTP layer maps each kind to its status,
 * code and sentence in one table (lambdas/http/problems.ts), and a route that shows the problem
 * on its form catches `DomainError`.
 */

export type Problem =
  // accounts: sign-in and passwords
  | { readonly kind: 'SignInFailed' }
  | { readonly kind: 'WrongPassword' }
  | { readonly kind: 'SignInThrottled'; readonly retryAfterSeconds: number }
  | { readonly kind: 'AccountLocked' }
  | { readonly kind: 'AccountGone' }
  | { readonly kind: 'SessionEnded' }
  | { readonly kind: 'AccountChanged' }
  // emails and the links sent to them
  | { readonly kind: 'LinkNotValid'; readonly link: 'mail' | 'reset' | 'account-reset' }
  | { readonly kind: 'EmailHeldElsewhere' }
  | { readonly kind: 'ConfirmationMailsThrottled' }
  | { readonly kind: 'EmailNotOnAccount' }
  | { readonly kind: 'EmailAlreadyConfirmed' }
  | { readonly kind: 'EmailNotConfirmed' }
  | { readonly kind: 'CannotRemoveEmail' }
  | { readonly kind: 'MoveNeedsDeletionConsent' }
  | { readonly kind: 'MoveOfPrimaryEmail' }
  | { readonly kind: 'MoveNeedsRecoveryCode' }
  // mfa: losing every method
  | { readonly kind: 'AccountResetNotReady' }
  // mfa: the second step of sign-in
  | { readonly kind: 'WrongCode' }
  | { readonly kind: 'CodesLocked'; readonly retryAfterSeconds: number }
  | { readonly kind: 'WrongRecoveryCode' }
  | { readonly kind: 'RecoveryCodesLocked'; readonly retryAfterSeconds: number }
  | { readonly kind: 'KeyRefused' }
  | { readonly kind: 'NoSecurityKey' }
  | { readonly kind: 'CeremonyExpired' }
  | { readonly kind: 'UseMethodPage' }
  | { readonly kind: 'CodeExpired' }
  | { readonly kind: 'TooManyCodesSent'; readonly max: number; readonly retryAfterSeconds: number }
  | { readonly kind: 'TextNotSent' }
  | { readonly kind: 'SetupExpired'; readonly what: 'key' | 'code' }
  // mfa: managing methods
  | { readonly kind: 'MethodNotOnAccount' }
  | { readonly kind: 'CannotRemoveMethod' }
  | { readonly kind: 'RecoveryCodesChanged' }
  // partners: the partner admin API
  /** A registration that breaks the rules: one sentence per field, by its RFC 7591 name (`redirect_uris[0]`). */
  | { readonly kind: 'InvalidClientMetadata'; readonly fields: Readonly<Record<string, string>> }
  | { readonly kind: 'PartnerNotFound' }
  /** Another edit of the same partner was saved between reading it and saving this one. */
  | { readonly kind: 'PartnerChanged' }
  // partners: the member's Connected partners
  /** Disconnect of a partner the member is not (or no longer) connected to. */
  | { readonly kind: 'PartnerNotConnected' }
  // verification: identity verification
  /** A verification limit is reached: document checks, records checks, or checks of one SSN. */
  | {
      readonly kind: 'VerificationThrottled';
      readonly what: 'documents' | 'records' | 'ssn';
      readonly retryAfterSeconds: number;
    }
  /** A step asked for before the one it follows (a URL typed, a stale tab): the member is sent to the right step. */
  | { readonly kind: 'VerificationStepNotReady' }
  // agents: reviews of the video verification queue
  /** No live review with this id (a mistyped address, or it ended). */
  | { readonly kind: 'ReviewNotFound' }
  /** Another agent took this member: only the agent who took a review sees and decides it. */
  | { readonly kind: 'ReviewNotYours' }
  /** The review was decided already: a decision is made once. */
  | { readonly kind: 'ReviewDecided' }
  /** The member's account holds the agent's own email: no agent verifies themself. */
  | { readonly kind: 'AgentOwnAccount' }
  /** The member's attempt changed while the agent decided. */
  | { readonly kind: 'ReviewChanged' };

export type ProblemKind = Problem['kind'];

export class DomainError<P extends Problem = Problem> extends Error {
  constructor(readonly problem: P) {
    super(problem.kind);
    this.name = problem.kind;
  }
}

/** The problem as an error to throw: `throw problem({ kind: 'WrongCode' })`. */
export const problem = <P extends Problem>(p: P): DomainError<P> => new DomainError(p);

export const isProblem = <K extends ProblemKind>(
  error: unknown,
  ...kinds: K[]
): error is DomainError<Extract<Problem, { kind: K }>> =>
  error instanceof DomainError && (kinds.length === 0 || kinds.includes(error.problem.kind as K));
