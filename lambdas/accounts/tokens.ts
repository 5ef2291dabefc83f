/**
 * Single-use secrets sent by mail (confirmation, reset, move) and kept in cookies (sessions).
 * 256 bits from the OS; only their SHA-256 is stored, so a copy of the tables holds no usable
 * link. SHA-256 without salt is enough here: the input is random, not a guessable password.
 */
import { createHash, randomBytes } from 'node:crypto';

export const newSecret = (): string => randomBytes(32).toString('base64url');

export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** What a well-formed secret looks like; anything else is refused before any lookup. */
export const isWellFormedSecret = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w-]{43}$/.test(value);
