/**
 * Field encryption with the raw AES keyring, the way `npm start` runs it: what one account's
 * field encrypts, only that account's same field decrypts. The KMS keyring differs only in who
 * wraps the data key; its IAM grant (exactly these context keys) is held by test/infra.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { FIELD_CONTEXT_KEYS } from '../../../lambdas/keys/field-cipher.ts';
import {
  createLocalFieldCipher,
  FieldContextMismatch,
  fieldCipherFromEnvironment,
  LOCAL_KEY_NAME,
  LOCAL_KEY_NAMESPACE,
} from '../../../lambdas/keys/field-encryption.ts';

const key = randomBytes(32);
const cipher = createLocalFieldCipher(key);
const totpSecret = { accountId: 'account-1', field: 'totpSecret' };
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** The SDK itself, on the same key: to look inside messages and to make ones Verity would not. */
const sdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const sameKeyring = () =>
  new RawAesKeyringNode({
    keyNamespace: LOCAL_KEY_NAMESPACE,
    keyName: LOCAL_KEY_NAME,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

describe('a field encrypted with the local keyring', () => {
  it('decrypts to the same text for the same account and field', async () => {
    for (const plaintext of [SECRET, '+15555550123', 'Zoë Ñúñez 東京', '']) {
      const ciphertext = await cipher.encrypt(plaintext, totpSecret);
      if (plaintext) expect(Buffer.from(ciphertext, 'base64').includes(plaintext)).toBe(false);
      expect(await cipher.decrypt(ciphertext, totpSecret)).toBe(plaintext);
    }
  });

  it('is base64 of an Encryption SDK message', async () => {
    const ciphertext = await cipher.encrypt(SECRET, totpSecret);
    expect(ciphertext).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    // Message format version 2 (key commitment) starts with byte 0x02.
    expect(Buffer.from(ciphertext, 'base64')[0]).toBe(0x02);
  });

  it('is refused for another account', async () => {
    const ciphertext = await cipher.encrypt(SECRET, totpSecret);
    await expect(cipher.decrypt(ciphertext, { ...totpSecret, accountId: 'account-2' })).rejects.toThrow(
      FieldContextMismatch,
    );
  });

  it('is refused for another field of the same account', async () => {
    const ciphertext = await cipher.encrypt('+15555550123', { accountId: 'account-1', field: 'phone' });
    await expect(cipher.decrypt(ciphertext, totpSecret)).rejects.toThrow(FieldContextMismatch);
  });

  it('is refused once any byte of it is changed, header or body', async () => {
    const message = Buffer.from(await cipher.encrypt(SECRET, totpSecret), 'base64');
    for (const at of [1, 40, Math.floor(message.length / 2), message.length - 20, message.length - 1]) {
      const tampered = Buffer.from(message);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      await expect(cipher.decrypt(tampered.toString('base64'), totpSecret), `byte ${at}`).rejects.toThrow();
    }
  });

  it('is refused when its header is rewritten to name another account', async () => {
    // Same length, so the message still parses: only the header's authentication stops it.
    const message = Buffer.from(await cipher.encrypt(SECRET, totpSecret), 'base64');
    const at = message.indexOf('account-1');
    expect(at).toBeGreaterThan(0);
    message.write('account-2', at);
    await expect(
      cipher.decrypt(message.toString('base64'), { ...totpSecret, accountId: 'account-2' }),
    ).rejects.toThrow();
  });

  it('is refused under another key', async () => {
    const ciphertext = await cipher.encrypt(SECRET, totpSecret);
    await expect(createLocalFieldCipher(randomBytes(32)).decrypt(ciphertext, totpSecret)).rejects.toThrow();
  });

  it('differs each time the same text is encrypted', async () => {
    const first = await cipher.encrypt(SECRET, totpSecret);
    const second = await cipher.encrypt(SECRET, totpSecret);
    expect(first).not.toBe(second);
    expect(await cipher.decrypt(second, totpSecret)).toBe(SECRET);
  });

  it('carries exactly the context keys the cloud grant requires, with key commitment and no signature', async () => {
    const ciphertext = await cipher.encrypt(SECRET, totpSecret);
    const { messageHeader } = await sdk.decrypt(sameKeyring(), Buffer.from(ciphertext, 'base64'));
    expect(messageHeader.encryptionContext).toEqual({ account: 'account-1', field: 'totpSecret' });
    expect(Object.keys(messageHeader.encryptionContext).sort()).toEqual([...FIELD_CONTEXT_KEYS].sort());
    expect(messageHeader.suiteId).toBe(
      AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    );
  });

  it('is refused when made another way: a signed message with the right account and field', async () => {
    // The SDK's default suite signs, and adds the public key to the context.
    const { result } = await sdk.encrypt(sameKeyring(), SECRET, {
      encryptionContext: { account: 'account-1', field: 'totpSecret' },
    });
    await expect(cipher.decrypt(result.toString('base64'), totpSecret)).rejects.toThrow(FieldContextMismatch);
  });
});

describe('the local cipher', () => {
  it('takes a 32-byte key only', () => {
    for (const length of [0, 16, 31, 33, 64])
      expect(() => createLocalFieldCipher(randomBytes(length)), `${length} bytes`).toThrow(RangeError);
  });

  it('needs an account and a field', async () => {
    await expect(cipher.encrypt(SECRET, { accountId: '', field: 'totpSecret' })).rejects.toThrow(TypeError);
    await expect(cipher.encrypt(SECRET, { accountId: 'account-1', field: '' })).rejects.toThrow(TypeError);
  });
});

describe('the local data key of npm start', () => {
  const file = () => {
    const path = process.env.VERITY_LOCAL_DATA_KEY_FILE;
    if (!path) throw new Error('VERITY_LOCAL_DATA_KEY_FILE is not set');
    return path;
  };

  it('is 32 bytes that only its owner can read, in an owner-only folder', () => {
    const stats = statSync(file());
    expect(stats.size).toBe(32);
    expect(stats.mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file())).mode & 0o777).toBe(0o700);
  });

  it('is its own key, not the pepper, and no KMS key is named locally', () => {
    const pepper = process.env.VERITY_LOCAL_PEPPER_FILE as string;
    expect(readFileSync(file()).equals(readFileSync(pepper))).toBe(false);
    expect(process.env.DATA_KMS_KEY_ID).toBeUndefined();
  });

  it('is the key that handlers encrypt with', async () => {
    const fromEnvironment = fieldCipherFromEnvironment();
    const ciphertext = await fromEnvironment.encrypt(SECRET, totpSecret);
    expect(await createLocalFieldCipher(readFileSync(file())).decrypt(ciphertext, totpSecret)).toBe(SECRET);
  });
});
