/**
 * The pepper as an HMAC-SHA-256 with a key held in this process: for unit tests, and for the
 * local adapter that reads its key from the data folder. The cloud uses KMS GenerateMac, where
 * the key never leaves KMS.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import type { Pepper } from '../core/ports.ts';

/** As long as the MAC: a shorter key would be the weakest link of the pepper. */
const MIN_KEY_BYTES = 32;

export function createHmacPepper(key: Buffer): Pepper {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`pepper key must be at least ${MIN_KEY_BYTES} bytes`);
  // A KeyObject copies the bytes, so a caller reusing its buffer cannot change the pepper.
  const secret = createSecretKey(key);
  return {
    mac: async (data) => createHmac('sha256', secret).update(data).digest(),
  };
}
