/**
 * The FieldCipher adapter: the AWS Encryption SDK. In the cloud a KMS keyring on the stack key
 * (each field gets its own data key from kms:GenerateDataKey); locally a raw AES-256-GCM keyring
 * whose key is a file in the data folder. The encryption context names the account and the
 * field: it is bound to the message (and, in the cloud, sent to KMS, where the handler roles'
 * grant requires exactly these two keys), and decrypt refuses a message whose context is not
 * exactly the one asked for, so a ciphertext copied to another account or field stays shut.
 *
 * No data-key cache (NodeCachingMaterialsManager): cache entries are per encryption context, so
 * per member and field, and a warm Lambda rarely sees the same member twice; a cache would hold
 * plaintext data keys in memory and reuse one data key across messages to save a KMS call of a
 * few milliseconds on a flow that already waits on DynamoDB. docs/decisions.md.
 *
 * The SDK comes as its ES module packages (encrypt-node, decrypt-node, the two keyrings), not
 * through `@aws-crypto/client-node`: that one is CommonJS and re-exports every keyring, so esbuild
 * could leave none of it out of a bundle.
 */
import { readFileSync } from 'node:fs';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { KmsKeyringNode } from '@aws-crypto/kms-keyring-node';
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  type KeyringNode,
} from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import type { FieldCipher, FieldContextKey } from './field-cipher.ts';

/** Every local message's data key is wrapped by this key; the name is stored in the message. */
export const LOCAL_KEY_NAMESPACE = 'verity-local';
export const LOCAL_KEY_NAME = 'data-key';
export const LOCAL_KEY_BYTES = 32;

/**
 * Key commitment (a message decrypts to one plaintext under one key only), no ECDSA signature:
 * the roles that encrypt are the roles that decrypt, so a signature would prove nothing to the
 * reader, and it would add `aws-crypto-public-key` to the context KMS sees and cost a P-384
 * signature per write and a verification per read.
 */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/**
 * One data key per message; a message claiming more is refused before any unwrapping. Both halves
 * get the options that `buildClient` of `@aws-crypto/client-node` would pass them.
 */
const CLIENT_OPTIONS = {
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  maxEncryptedDataKeys: 1,
};
const { encrypt } = buildEncrypt(CLIENT_OPTIONS);
const { decrypt } = buildDecrypt(CLIENT_OPTIONS);

interface FieldContext {
  readonly accountId: string;
  readonly field: string;
}

/**
 * The field cipher the environment names (a Lambda builds it once, with its other ports): a KMS
 * keyring in the cloud, the local key file on `npm start`. In a
 * Lambda bundle `process.env.VERITY_LAMBDA_BUNDLE` is "1" at build time (lib/cloud/bundling.ts),
 * so the local branch is dropped, and the raw AES keyring with it: a deployed function always
 * has DATA_KMS_KEY_ID, and ships only the keyring it uses.
 */
export function fieldCipherFromEnvironment(env: NodeJS.ProcessEnv = process.env): FieldCipher {
  if (env.DATA_KMS_KEY_ID) return createKmsFieldCipher(env.DATA_KMS_KEY_ID);
  // Written out in full so that esbuild folds it in a bundle and drops the local keyring.
  if (process.env.VERITY_LAMBDA_BUNDLE !== '1' && env.VERITY_LOCAL_DATA_KEY_FILE) {
    return createLocalFieldCipher(readFileSync(env.VERITY_LOCAL_DATA_KEY_FILE));
  }
  throw new Error('DATA_KMS_KEY_ID is not set (nor, outside a Lambda bundle, VERITY_LOCAL_DATA_KEY_FILE)');
}

/** `keyArn`: a key ARN, not an alias: decrypt only asks KMS about data keys of exactly this key. */
export function createKmsFieldCipher(keyArn: string): FieldCipher {
  return cipherOver(new KmsKeyringNode({ generatorKeyId: keyArn }));
}

/** The local stand-in for the KMS key: a 32-byte AES-256-GCM wrapping key. */
export function createLocalFieldCipher(key: Uint8Array): FieldCipher {
  if (key.length !== LOCAL_KEY_BYTES)
    throw new RangeError(`The local data key must be ${LOCAL_KEY_BYTES} bytes, not ${key.length}`);
  return cipherOver(
    new RawAesKeyringNode({
      keyNamespace: LOCAL_KEY_NAMESPACE,
      keyName: LOCAL_KEY_NAME,
      // The keyring keeps its own copy; the caller's buffer is not referenced afterwards.
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    }),
  );
}

function cipherOver(keyring: KeyringNode): FieldCipher {
  return {
    async encrypt(plaintext, context) {
      const { result } = await encrypt(keyring, Buffer.from(plaintext, 'utf8'), {
        suiteId: SUITE,
        encryptionContext: encryptionContextOf(context),
      });
      return result.toString('base64');
    },
    async decrypt(ciphertext, context) {
      const expected = encryptionContextOf(context);
      const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(ciphertext, 'base64'));
      // The SDK authenticates the context but cannot know which one the caller meant.
      if (messageHeader.suiteId !== SUITE || !sameContext(messageHeader.encryptionContext, expected)) {
        plaintext.fill(0);
        throw new FieldContextMismatch();
      }
      return plaintext.toString('utf8');
    },
  };
}

/** The ciphertext is genuine but was made for another account or field (or another way). */
export class FieldContextMismatch extends Error {
  constructor() {
    super('The ciphertext was not encrypted for this account and field');
    this.name = 'FieldContextMismatch';
  }
}

function encryptionContextOf({ accountId, field }: FieldContext): Record<FieldContextKey, string> {
  // An empty value would make a context that every such bug shares.
  if (!accountId || !field) throw new TypeError('Field encryption needs an account id and a field name');
  return { account: accountId, field };
}

function sameContext(actual: Readonly<Record<string, string>>, expected: Record<string, string>): boolean {
  const keys = Object.keys(actual);
  return (
    keys.length === Object.keys(expected).length &&
    keys.every((key) => Object.hasOwn(expected, key) && actual[key] === expected[key])
  );
}
