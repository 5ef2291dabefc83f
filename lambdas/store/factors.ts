/**
 * The second factors a member can have (NIST SP 800-63B AAL2): an authenticator app (TOTP),
 * a phone that receives text or voice codes, security keys and passkeys (WebAuthn). Recovery
 * codes are a fallback, not a factor: they are listed apart and never the primary method.
 *
 * Stored in the accounts table under the member's partition (`sk = MFA#<factorId>`); secrets
 * and phone numbers are encrypted field by field (lambdas/keys/field-encryption.ts).
 */

export type FactorKind = 'totp' | 'phone' | 'webauthn';

/** An encrypted field: the AWS Encryption SDK's message, base64. */
export type EncryptedField = string;

interface FactorBase {
  readonly factorId: string;
  readonly kind: FactorKind;
  /** Named by the member ("Work phone", "YubiKey"). */
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
}

export interface TotpFactor extends FactorBase {
  readonly kind: 'totp';
  readonly secret: EncryptedField;
  /** The last 30-second step whose code was accepted: a code works once (RFC 6238 5.2). */
  readonly lastUsedStep: number;
}

export interface PhoneFactor extends FactorBase {
  readonly kind: 'phone';
  /** E.164, encrypted. */
  readonly phone: EncryptedField;
  /** Keyed hash of the number, for per-phone send limits without the number itself. */
  readonly phoneKey: string;
  readonly last4: string;
  readonly channel: 'sms' | 'voice';
}

export interface WebAuthnFactor extends FactorBase {
  readonly kind: 'webauthn';
  /** base64url */
  readonly credentialId: string;
  /** base64url COSE public key */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports?: readonly string[];
}

export type Factor = TotpFactor | PhoneFactor | WebAuthnFactor;
