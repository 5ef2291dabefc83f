/**
 * The items of the accounts and ephemeral tables, and their keys (docs/data-model.md).
 */

export const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
export const claimKey = (normalized: string) => ({ pk: `EMAIL#${normalized}`, sk: 'CLAIM' });
export const profileKey = (accountId: string) => ({ pk: accountKey(accountId), sk: 'PROFILE' });
export const emailKey = (accountId: string, normalized: string) => ({
  pk: accountKey(accountId),
  sk: `EMAIL#${normalized}`,
});
export const tokenKey = (hash: string) => ({ pk: `TOKEN#${hash}`, sk: 'TOKEN' });
export const signUpKey = (normalized: string, signUpId: string) => ({
  pk: `SIGNUP#${normalized}`,
  sk: signUpId,
});
export const sessionKey = (accountId: string, keyHash: string) => ({
  pk: `SESSIONS#${accountId}`,
  sk: keyHash,
});

export interface Profile {
  readonly accountId: string;
  readonly createdAt: string;
  readonly password: PasswordHash;
  /** Normalized address of the primary email; always one of the account's confirmed emails. */
  readonly primaryEmail: string;
  readonly emailCount: number;
  readonly confirmedEmailCount: number;
  /** Consecutive failed sign-ins; 100 locks the account until a password reset. */
  readonly failedSignIns: number;
  readonly passwordChangedAt: string;
  /** Second factors set up; once MFA exists there is always at least one. */
  readonly mfaCount?: number;
  /** The factor asked for first at sign-in. */
  readonly mfaPrimary?: string;
}

export interface EmailItem {
  readonly address: string;
  readonly normalized: string;
  readonly confirmed: boolean;
  readonly work: boolean;
  readonly addedAt: string;
  readonly confirmedAt?: string;
  /** Hash of the one link that can still confirm this email (a resend replaces it). */
  readonly tokenHash?: string;
  /** The address is held by another account and waits for its holder to release it. */
  readonly awaitingMove?: boolean;
}

export interface PendingSignUp {
  readonly signUpId: string;
  readonly address: string;
  readonly normalized: string;
  readonly password: PasswordHash;
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt: number;
}

export type TokenPurpose =
  | 'sign-up'
  | 'add-email'
  | 'move-email'
  | 'reset-password'
  | 'cancel-account-reset'
  | 'delete-account';

export interface TokenItem {
  readonly purpose: TokenPurpose;
  readonly createdAt: string;
  /** Epoch seconds: DynamoDB's TTL attribute, and checked on every read. */
  readonly expiresAt: number;
  readonly normalized?: string;
  readonly signUpId?: string;
  readonly accountId?: string;
  /** move-email: the account that holds the address now. */
  readonly holderAccountId?: string;
}

export interface SessionItem {
  readonly accountId: string;
  readonly keyHash: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** When the member last proved the password: sensitive actions want it within 20 minutes. */
  readonly signedInAt: string;
  readonly expiresAt: number;
  readonly device: string;
  /**
   * Authenticator assurance: 1 after the password only, 2 after a second factor too. An AAL1
   * session can only finish MFA: set up the first factor, or pass the one it has.
   */
  readonly aal: 1 | 2;
  /** What an AAL1 session still has to do. */
  readonly pendingMfa?: 'setup' | 'challenge';
  /**
   * AAL2 through a remembered browser, not a factor entered now: good for using the account,
   * not for sensitive actions, which ask for the password and a factor again.
   */
  readonly viaRememberedBrowser?: boolean;
  /**
   * How the second step passed (RFC 8176 names; `rec` a recovery code): what the ID tokens Verity
   * issues for partners say in `amr`.
   */
  readonly secondFactor?: SecondFactorUsed;
}

export type SecondFactorUsed = 'otp' | 'sms' | 'tel' | 'hwk' | 'rec';

export type EventType =
  | 'account-created'
  | 'signed-in'
  | 'sign-in-failed'
  | 'email-added'
  | 'email-confirmed'
  | 'email-removed'
  | 'email-moved-in'
  | 'email-moved-out'
  | 'primary-changed'
  | 'password-changed'
  | 'password-reset'
  | 'mfa-added'
  | 'mfa-removed'
  | 'mfa-primary-changed'
  | 'mfa-renamed'
  | 'mfa-passed'
  | 'mfa-failed'
  | 'recovery-code-used'
  | 'recovery-codes-created'
  | 'browsers-forgotten'
  | 'account-reset-requested'
  | 'account-reset-cancelled'
  | 'partner-connected'
  | 'partner-disconnected'
  | 'identity-verified'
  | 'identity-not-verified';

export interface HistoryEvent {
  readonly type: EventType;
  readonly at: string;
  readonly device: string;
  readonly place: string;
  /** An email address the event is about, shown to the member who owns it. */
  readonly detail?: string;
}

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** A stored password: plain JSON; the parameters travel with each hash so they can be raised. */
export interface PasswordHash extends ScryptParams {
  readonly v: 1;
  readonly alg: 'scrypt';
  /** base64url, 16 bytes. */
  readonly salt: string;
  /** base64url: the pepper's MAC of the scrypt output. */
  readonly hash: string;
}
