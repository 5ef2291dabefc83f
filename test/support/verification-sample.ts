/**
 * What a member submits to the sandbox verification vendor, for the tests and the bench alike
 * (no vitest here): an ordinary picture, and the details of the sandbox's sample identity with
 * an SSN its records match and a phone of its own that is the member's.
 */
import { randomInt } from 'node:crypto';
import { SAMPLE_IDENTITY } from '../../lambdas/verification/vendors/description.ts';

/** The first bytes of a JPEG and some body: an ordinary picture to the sandbox, which passes it. */
export const PICTURE = new Uint8Array([
  0xff,
  0xd8,
  0xff,
  0xe0,
  ...Array.from({ length: 200 }, (_, i) => i % 251),
]);

/** An SSN the sandbox's records match, one per call (9 digits, starting 900). */
export const passingSsn = (): string => `900${String(randomInt(10, 100))}${String(randomInt(1000, 10_000))}`;

/** A phone number of its own (the per-phone send limit), never ending in 5555 (not the member's) or 0000. */
export function newPhone(): { typed: string; e164: string } {
  const area = randomInt(201, 990);
  const exchange = randomInt(200, 999);
  const line = String(randomInt(1, 5555)).padStart(4, '0');
  return { typed: `${area}-${exchange}-${line}`, e164: `+1${area}${exchange}${line}` };
}

/** What a member types on the details page for the sample identity; `overrides` for other outcomes. */
export function sampleDetails(overrides: Record<string, string> = {}) {
  const phone = newPhone();
  return {
    fields: {
      givenName: SAMPLE_IDENTITY.givenName,
      familyName: SAMPLE_IDENTITY.familyName,
      birthdate: SAMPLE_IDENTITY.birthdate,
      street: SAMPLE_IDENTITY.street,
      city: SAMPLE_IDENTITY.city,
      state: SAMPLE_IDENTITY.state,
      postalCode: SAMPLE_IDENTITY.postalCode,
      ssn: passingSsn(),
      phone: phone.typed,
      ...overrides,
    },
    phone,
  };
}
