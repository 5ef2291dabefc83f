/**
 * How a password is stored: scrypt (memory-hard, in node:crypto) over the NFKC form with a
 * random salt per hash, then a MAC with the pepper, a key that lives in KMS in the cloud and
 * never in the accounts table. A stolen table is useless without the pepper key, and with it
 * each guess still costs a full scrypt.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Ports } from '../../core/ports.ts';
import type { PasswordHash, ScryptParams } from '../../store/items.ts';
import { normalizePassword } from './normalize.ts';

/**
 * 2^16 x 8 x 128 bytes = 64 MiB and ~140 ms per hash on the 2-core bench machine, inside the
 * 50-250 ms budget; 2^17 took ~290 ms. See docs/decisions-password.md.
 */
export const CURRENT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/**
 * Bounds on parameters read back from storage: a damaged or forged item must not make a sign-in
 * allocate gigabytes or hash with next to no cost.
 */
const LIMITS = { minLogN: 14, maxLogN: 20, maxR: 32, maxP: 16 } as const;
/** Names this use of the pepper key, so a MAC made here can never be replayed as one made for another purpose. */
const MAC_LABEL = Buffer.from('verity password v1\0', 'utf8');

export async function hashPassword(
  password: string,
  ports: Pick<Ports, 'pepper'>,
  params: ScryptParams = CURRENT_SCRYPT_PARAMS,
): Promise<PasswordHash> {
  assertParams(params);
  const salt = randomBytes(SALT_BYTES);
  const hash = await pepperedHash(password, salt, params, ports);
  return {
    v: 1,
    alg: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString('base64url'),
    hash: hash.toString('base64url'),
  };
}

/** Throws on a stored value that is not a hash made here: that is damage, not a wrong password. */
export async function verifyPassword(
  password: string,
  stored: PasswordHash,
  ports: Pick<Ports, 'pepper'>,
): Promise<boolean> {
  if (!isPasswordHash(stored)) throw new TypeError('stored password hash is not a Verity scrypt hash');
  const expected = Buffer.from(stored.hash, 'base64url');
  const actual = await pepperedHash(password, Buffer.from(stored.salt, 'base64url'), stored, ports);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * For a sign-in with an email that has no account: the same scrypt and the same pepper call as
 * a real verification at current parameters, so the time taken does not say whether the
 * account exists. Always false.
 */
export async function dummyVerify(ports: Pick<Ports, 'pepper'>): Promise<false> {
  const actual = await pepperedHash(
    randomBytes(SALT_BYTES).toString('base64url'),
    randomBytes(SALT_BYTES),
    CURRENT_SCRYPT_PARAMS,
    ports,
  );
  timingSafeEqual(actual, Buffer.alloc(actual.length));
  return false;
}

/**
 * True when the hash was made with other parameters than today's, lower or higher: rehash it
 * with the password the member just gave. Higher counts too, because a sign-in that costs more
 * than `dummyVerify` would tell an observer that the account exists.
 */
export function needsRehash(stored: PasswordHash): boolean {
  return (
    stored.v !== 1 ||
    stored.alg !== 'scrypt' ||
    stored.N !== CURRENT_SCRYPT_PARAMS.N ||
    stored.r !== CURRENT_SCRYPT_PARAMS.r ||
    stored.p !== CURRENT_SCRYPT_PARAMS.p ||
    Buffer.from(stored.salt, 'base64url').length < SALT_BYTES
  );
}

/** For store adapters: whether an item read back is a hash this module can verify. */
export function isPasswordHash(value: unknown): value is PasswordHash {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    v.alg === 'scrypt' &&
    paramsAllowed(v) &&
    isBase64url(v.salt) &&
    Buffer.from(v.salt, 'base64url').length >= SALT_BYTES &&
    isBase64url(v.hash) &&
    v.hash.length > 0
  );
}

async function pepperedHash(
  password: string,
  salt: Buffer,
  params: ScryptParams,
  ports: Pick<Ports, 'pepper'>,
): Promise<Buffer> {
  const derived = await scryptAsync(Buffer.from(normalizePassword(password), 'utf8'), salt, params);
  return ports.pepper.mac(Buffer.concat([MAC_LABEL, derived]));
}

function scryptAsync(password: Buffer, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  // OpenSSL needs 128 * r * (N + p + 2) bytes; twice 128 * N * r covers that with room to spare.
  const maxmem = 2 * 128 * N * r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function paramsAllowed(params: Record<string, unknown>): boolean {
  const { N, r, p } = params;
  if (typeof N !== 'number' || typeof r !== 'number' || typeof p !== 'number') return false;
  const logN = Math.log2(N);
  return (
    Number.isInteger(logN) &&
    logN >= LIMITS.minLogN &&
    logN <= LIMITS.maxLogN &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= LIMITS.maxR &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= LIMITS.maxP
  );
}

function assertParams(params: ScryptParams): void {
  if (!paramsAllowed({ ...params })) throw new RangeError('scrypt parameters out of bounds');
}

const isBase64url = (value: unknown): value is string => typeof value === 'string' && /^[\w-]*$/.test(value);
