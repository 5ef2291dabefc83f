/**
 * The password pepper: a MAC key that never sits beside the hashes. In the cloud it is a KMS
 * HMAC key (GenerateMac; the key never leaves KMS); locally an HMAC key in the data folder.
 */
import { readFileSync } from 'node:fs';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Pepper } from '../core/ports.ts';
import { createHmacPepper } from './hmac-pepper.ts';

/** The pepper the environment names; a Lambda builds it once, with its other ports. */
export function pepperFromEnvironment(env: NodeJS.ProcessEnv = process.env): Pepper {
  if (env.PEPPER_KMS_KEY_ID) return kmsPepper(env.PEPPER_KMS_KEY_ID);
  if (env.VERITY_LOCAL_PEPPER_FILE) return createHmacPepper(readFileSync(env.VERITY_LOCAL_PEPPER_FILE));
  throw new Error('Neither PEPPER_KMS_KEY_ID nor VERITY_LOCAL_PEPPER_FILE is set');
}

function kmsPepper(keyId: string): Pepper {
  const kms = new KMSClient({});
  return {
    async mac(data) {
      const result = await kms.send(
        new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: data }),
      );
      if (!result.Mac) throw new Error('KMS returned no MAC');
      return Buffer.from(result.Mac);
    },
  };
}
