/**
 * Ids of things Verity makes (accounts, methods, sign-ups, history events): 128 bits from the
 * operating system's generator, base64url. The one id generator; shapes are checked before an id
 * from a form or URL reaches a key.
 */
import { randomBytes } from 'node:crypto';

export const newId = (): string => randomBytes(16).toString('base64url');

/** What an id made by `newId` looks like. */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w-]{22}$/.test(value);
