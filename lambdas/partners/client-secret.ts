/**
 * Client secrets of partners that authenticate with client_secret_basic: 32 random bytes, shown
 * once, kept only as a keyed hash (the pepper's MAC). The admin API makes the hash when it issues
 * a secret, the OIDC provider when it checks one: this is the one place both get it from.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Ports } from '../core/ports.ts';

export const newClientSecret = (): string => randomBytes(32).toString('base64url');

/** base64url of the pepper's MAC of `client-secret:<secret>`. */
export async function clientSecretHash(secret: string, ports: Pick<Ports, 'pepper'>): Promise<string> {
  const mac = await ports.pepper.mac(Buffer.from(`client-secret:${secret}`));
  return mac.toString('base64url');
}

/** Whether `secret` is the one whose hash is kept, compared in constant time. */
export async function clientSecretMatches(
  secret: string,
  secretHash: string | undefined,
  ports: Pick<Ports, 'pepper'>,
): Promise<boolean> {
  if (!secretHash) return false;
  const given = Buffer.from(await clientSecretHash(secret, ports));
  const kept = Buffer.from(secretHash);
  return given.length === kept.length && timingSafeEqual(given, kept);
}
