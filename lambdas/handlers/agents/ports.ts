/**
 * The ports of the agents Lambda, built once, at module load: exactly its grants in lib/routes.ts
 * (sendsMail, encryptsFields, usesEvidence, holdsCalls).
 */
import type { Ports } from '../../core/ports.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import { verificationVendorsFromEnvironment } from '../../verification/vendors/from-environment.ts';

export const ports = {
  mail: mailOutbox(),
  cipher: fieldCipherFromEnvironment(),
  vendors: verificationVendorsFromEnvironment(),
} satisfies Partial<Ports>;
