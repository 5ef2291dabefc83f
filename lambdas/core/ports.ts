/**
 * The ports domain code works through: what a capability needs from the outside world, as
 * interfaces. Adapters implement them (keys/, mail/, the text senders); each Lambda builds its
 * adapters once, at module load, and hands them to the domain functions.
 */
import type { FieldCipher } from '../keys/field-cipher.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { TextSender } from '../mfa/texts.ts';
import type { VerificationVendors } from '../verification/ports.ts';

/** The password pepper: KMS GenerateMac in the cloud, an HMAC with a local key file locally. */
export interface Pepper {
  mac(data: Buffer): Promise<Buffer>;
}

/**
 * Every port, in the one shape every domain function takes: a function asks for the ports it
 * uses, `ports: Pick<Ports, 'mail' | 'pepper'>`, and reads them as `ports.mail`, `ports.pepper`.
 *
 * Each Lambda builds only the ports its manifest entry grants (`sendsMail`, `usesPepper`,
 * `encryptsFields`, `sendsTexts` in lib/routes.ts), once, at module load, in its handler.ts
 * (`{ ... } satisfies Partial<Ports>`): building a port pulls its SDK client into the bundle, and
 * test/infra/grants.test.ts holds each bundle to its entry.
 */
export interface Ports {
  /** The mail outbox (lambdas/mail/outbox.ts): the SQS mail queue in the cloud; mail leaves after the answer. */
  readonly mail: Mailer;
  /** The password pepper (lambdas/keys/pepper.ts); it also keys the MAC of a phone number. */
  readonly pepper: Pepper;
  /** Field encryption of personal data and secrets (lambdas/keys/field-encryption.ts). */
  readonly cipher: FieldCipher;
  /** Codes to phones by text or voice (lambdas/mfa/texts.ts): End User Messaging, locally a file. */
  readonly texts: TextSender;
  /**
   * Identity verification's vendors (lambdas/verification/ports.ts): the evidence bucket, the
   * document, face and records checks, the call rooms; the sandbox locally.
   */
  readonly vendors: VerificationVendors;
}
