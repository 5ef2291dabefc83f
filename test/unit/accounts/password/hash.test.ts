import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_SCRYPT_PARAMS,
  dummyVerify,
  hashPassword,
  isPasswordHash,
  needsRehash,
  verifyPassword,
} from '../../../../lambdas/accounts/password/hash.ts';
import { createHmacPepper } from '../../../../lambdas/keys/hmac-pepper.ts';
import type { PasswordHash } from '../../../../lambdas/store/items.ts';

const ports = { pepper: createHmacPepper(randomBytes(32)) };
const password = 'velvet mosaic harbor pickle';
/** Cheaper than today's parameters: for hashes made "before an upgrade", and to keep the suite quick. */
const older = { N: 2 ** 14, r: 8, p: 1 };

describe('a stored password', () => {
  it('is plain JSON carrying its scrypt parameters, a 16-byte salt and the peppered hash', async () => {
    const stored = await hashPassword(password, ports);
    expect(stored).toMatchObject({ v: 1, alg: 'scrypt', ...CURRENT_SCRYPT_PARAMS });
    expect(Buffer.from(stored.salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64url')).toHaveLength(32);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
    expect(isPasswordHash(stored)).toBe(true);
    expect(stored.hash).not.toContain(Buffer.from(password).toString('base64url'));
  });

  it('verifies with the same password', async () => {
    const stored = await hashPassword(password, ports);
    expect(await verifyPassword(password, stored, ports)).toBe(true);
  });

  it('refuses a wrong password, even one that differs only in case or by a space', async () => {
    const stored = await hashPassword(password, ports, older);
    for (const wrong of ['Velvet mosaic harbor pickle', `${password} `, 'velvet mosaic harbor pickles', '']) {
      expect(await verifyPassword(wrong, stored, ports), wrong).toBe(false);
    }
  });

  it('gets a different salt, and so a different hash, every time', async () => {
    const [a, b] = await Promise.all([
      hashPassword(password, ports, older),
      hashPassword(password, ports, older),
    ]);
    expect(a?.salt).not.toBe(b?.salt);
    expect(a?.hash).not.toBe(b?.hash);
  });

  it('does not verify without the same pepper key', async () => {
    const stored = await hashPassword(password, ports, older);
    expect(await verifyPassword(password, stored, { pepper: createHmacPepper(randomBytes(32)) })).toBe(false);
  });

  it('hashes what the member typed the same way from any keyboard (NFKC)', async () => {
    const stored = await hashPassword('Ｐａｓｓｐｈｒａｓｅ　ｆｏｒ　ｔｅｓｔｓ１２', ports, older);
    expect(await verifyPassword('Passphrase for tests12', stored, ports)).toBe(true);
    const composed = await hashPassword('crème brûlée à la carte', ports, older);
    expect(await verifyPassword('cre\u0300me bru\u0302le\u0301e a\u0300 la carte', composed, ports)).toBe(
      true,
    );
  });

  it('verifies a hash made with older parameters, and asks for it to be rehashed', async () => {
    const stored = await hashPassword(password, ports, older);
    expect(await verifyPassword(password, stored, ports)).toBe(true);
    expect(needsRehash(stored)).toBe(true);
    expect(needsRehash({ ...stored, ...CURRENT_SCRYPT_PARAMS })).toBe(false);
    expect(needsRehash({ ...stored, ...CURRENT_SCRYPT_PARAMS, r: 4 })).toBe(true);
  });

  it('asks for a rehash of a hash above current parameters, which would take longer than dummyVerify', () => {
    const stored: PasswordHash = {
      v: 1,
      alg: 'scrypt',
      ...CURRENT_SCRYPT_PARAMS,
      N: CURRENT_SCRYPT_PARAMS.N * 2,
      salt: randomBytes(16).toString('base64url'),
      hash: randomBytes(32).toString('base64url'),
    };
    expect(needsRehash(stored)).toBe(true);
  });

  it('is refused as damaged, not as a wrong password, when the stored item is not a hash made here', async () => {
    const stored = await hashPassword(password, ports, older);
    const damaged = [
      { ...stored, N: 2 ** 30 },
      { ...stored, N: 1000 },
      { ...stored, alg: 'bcrypt' },
      { ...stored, salt: '' },
      { ...stored, hash: 'not base64url!' },
    ] as unknown as PasswordHash[];
    for (const item of damaged) {
      expect(isPasswordHash(item)).toBe(false);
      await expect(verifyPassword(password, item, ports)).rejects.toThrow(TypeError);
    }
  });

  it('refuses to hash with parameters below the floor', async () => {
    await expect(hashPassword(password, ports, { N: 2 ** 10, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});

describe('a sign-in with an unknown email', () => {
  it('does the work of a verification with the pepper, and fails', async () => {
    let macs = 0;
    const counting = createHmacPepper(randomBytes(32));
    const result = await dummyVerify({
      pepper: {
        mac: (data) => {
          macs++;
          return counting.mac(data);
        },
      },
    });
    expect(result).toBe(false);
    expect(macs).toBe(1);
  });
});

describe('the local pepper', () => {
  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createHmacPepper(randomBytes(16))).toThrow(RangeError);
  });

  it('keeps its own copy of the key', async () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const kept = createHmacPepper(key);
    key.fill(0);
    expect(await kept.mac(Buffer.from('x'))).toEqual(await createHmacPepper(copy).mac(Buffer.from('x')));
  });
});
