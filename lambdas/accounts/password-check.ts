/**
 * THE throttled password check, for every page that takes an existing password: sign in, the
 * confirmation link, the move-email link, entering the password again. The try is counted before
 * the password is compared (5 in any minute per key: NIST SP 800-63B 5.2.2), so requests sent
 * at once get no more guesses than requests sent one by one; a right password is given back.
 * An unknown account still costs one hash, so the time does not tell.
 */

import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { giveBack, limits, takeAttempt } from '../limits/counters.ts';
import type { PasswordHash } from '../store/items.ts';
import type { RequestContext } from './context.ts';
import { dummyVerify, verifyPassword } from './password/hash.ts';

/**
 * True when `password` matches `hash`. Throws `SignInThrottled` before any comparison once the
 * key has had its tries. `throttleKey` names who is guessing at what (email and IP, a link and
 * IP); without a hash (no such account) the same work is done and the answer is false.
 */
export async function passwordMatches(
  throttleKey: string,
  password: unknown,
  hash: PasswordHash | undefined,
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
): Promise<boolean> {
  const attempt = await takeAttempt(limits.failedSignIns, throttleKey, context.now);
  if (!attempt.granted)
    throw problem({ kind: 'SignInThrottled', retryAfterSeconds: attempt.retryAfterSeconds });
  const typed = typeof password === 'string' ? password : '';
  const valid = hash ? await verifyPassword(typed, hash, ports) : await dummyVerify(ports);
  if (hash && valid) await giveBack(attempt);
  return Boolean(hash) && valid;
}
