/**
 * The ports of the verification Lambda, built once, at module load, for every route module of
 * this folder: exactly its grants in lib/routes.ts (sendsMail, usesPepper, encryptsFields,
 * sendsTexts, usesEvidence, checksIdentity).
 */
import type { Ports } from '../../core/ports.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { textSenderFromEnvironment } from '../../mfa/texts.ts';
import { verificationVendorsFromEnvironment } from '../../verification/vendors/from-environment.ts';

export const ports = {
  mail: mailOutbox(),
  pepper: pepperFromEnvironment(),
  cipher: fieldCipherFromEnvironment(),
  texts: textSenderFromEnvironment(),
  vendors: verificationVendorsFromEnvironment(),
} satisfies Ports;
