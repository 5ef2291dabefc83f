/**
 * The hosted workforce sign-in: Verity's own pages drive the workforce pool's public app client
 * (no secret) with USER_PASSWORD_AUTH, then answer the pool's challenge with the code of the
 * agent's authenticator app (SOFTWARE_TOKEN_MFA; SMS_MFA where a pool offers it). The cloud pool
 * requires TOTP; cognito-local has MFA off, so locally the password alone signs in.
 *
 * Cognito counts wrong passwords and codes itself and locks the user out for a while after a few;
 * nothing here adds its own limit. The client goes to Cognito with no endpoint option: locally
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER names cognito-local.
 */
import {
  type AuthenticationResultType,
  ChallengeNameType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { WORKFORCE_CLIENT_VARIABLE } from '../../lib/environment.ts';

export type CodeChallenge = 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA';

export type WorkforceSignIn =
  /** Signed in: the ID token, and how long Cognito says the tokens live. */
  | { readonly kind: 'signed-in'; readonly idToken: string; readonly expiresInSeconds: number }
  /**
   * The code of the second step is due. `session` is Cognito's opaque Session: it proves the
   * password step for 3 minutes and is worthless without the code.
   */
  | {
      readonly kind: 'code';
      readonly challenge: CodeChallenge;
      readonly session: string;
      readonly username: string;
    }
  /** A first sign-in with a temporary password: the user must choose their own. */
  | { readonly kind: 'new-password' }
  /** The pool requires an authenticator app that this user has not set up yet. */
  | { readonly kind: 'mfa-setup' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'wrong-code' }
  /** The code step took longer than the Session lives. */
  | { readonly kind: 'expired' }
  | { readonly kind: 'throttled' };

let client: CognitoIdentityProviderClient | undefined;
const cognito = () => {
  client ??= new CognitoIdentityProviderClient({});
  return client;
};

const clientId = (): string => {
  const id = process.env[WORKFORCE_CLIENT_VARIABLE];
  if (!id) throw new Error(`${WORKFORCE_CLIENT_VARIABLE} is not set`);
  return id;
};

export async function signInWithPassword(username: string, password: string): Promise<WorkforceSignIn> {
  if (!username || !password) return { kind: 'failed' };
  try {
    const answer = await cognito().send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId(),
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    return next(answer, username);
  } catch (error) {
    return refused(error);
  }
}

export async function answerCode(input: {
  readonly challenge: CodeChallenge;
  readonly session: string;
  readonly username: string;
  readonly code: string;
}): Promise<WorkforceSignIn> {
  if (!/^\d{6}$/.test(input.code)) return { kind: 'wrong-code' };
  const codeName = input.challenge === 'SMS_MFA' ? 'SMS_MFA_CODE' : 'SOFTWARE_TOKEN_MFA_CODE';
  try {
    const answer = await cognito().send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId(),
        ChallengeName: input.challenge,
        Session: input.session,
        ChallengeResponses: { USERNAME: input.username, [codeName]: input.code },
      }),
    );
    return next(answer, input.username);
  } catch (error) {
    return refused(error);
  }
}

function next(
  answer: Pick<
    InitiateAuthCommandOutput,
    'AuthenticationResult' | 'ChallengeName' | 'ChallengeParameters' | 'Session'
  >,
  username: string,
): WorkforceSignIn {
  if (answer.AuthenticationResult) return signedIn(answer.AuthenticationResult);
  const challenge = answer.ChallengeName;
  if (
    (challenge === ChallengeNameType.SOFTWARE_TOKEN_MFA || challenge === ChallengeNameType.SMS_MFA) &&
    answer.Session
  ) {
    return {
      kind: 'code',
      challenge,
      session: answer.Session,
      // Cognito names the user as it knows them (their username, when they typed an email alias).
      username:
        answer.ChallengeParameters?.USER_ID_FOR_SRP ?? answer.ChallengeParameters?.USERNAME ?? username,
    };
  }
  if (challenge === ChallengeNameType.NEW_PASSWORD_REQUIRED) return { kind: 'new-password' };
  if (challenge === ChallengeNameType.MFA_SETUP) return { kind: 'mfa-setup' };
  return { kind: 'failed' };
}

function signedIn(result: AuthenticationResultType): WorkforceSignIn {
  if (!result.IdToken) return { kind: 'failed' };
  return { kind: 'signed-in', idToken: result.IdToken, expiresInSeconds: result.ExpiresIn ?? 3600 };
}

/** Cognito's refusals, as the page says them; anything else is thrown on (a 500 that reveals nothing). */
function refused(error: unknown): WorkforceSignIn {
  switch ((error as Error).name) {
    case 'NotAuthorizedException':
      // Also Cognito's own lockout and a Session that expired, told apart only by the message.
      if (/attempts exceeded/i.test((error as Error).message)) return { kind: 'throttled' };
      return /session/i.test((error as Error).message) ? { kind: 'expired' } : { kind: 'failed' };
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
    case 'InvalidParameterException':
    case 'InvalidPasswordException':
      return { kind: 'failed' };
    case 'CodeMismatchException':
      return { kind: 'wrong-code' };
    case 'ExpiredCodeException':
      return { kind: 'expired' };
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return { kind: 'throttled' };
    default:
      throw error;
  }
}
