/**
 * The ports of the MFA Lambda, built once, at module load, for every route module of this folder
 * (handler.ts, steps.ts, phone-routes.ts, security-key-routes.ts): exactly its grants in
 * lib/routes.ts (sendsMail, usesPepper, encryptsFields, sendsTexts).
 */
import type { Ports } from '../../core/ports.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { textSenderFromEnvironment } from '../../mfa/texts.ts';

export const ports = {
  mail: mailOutbox(),
  pepper: pepperFromEnvironment(),
  cipher: fieldCipherFromEnvironment(),
  texts: textSenderFromEnvironment(),
} satisfies Omit<Ports, 'vendors'>;
