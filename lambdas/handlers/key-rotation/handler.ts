/**
 * The key-rotation worker: no route. An EventBridge rule invokes it once a day; it applies the
 * rotation rule of lambdas/keys/oidc-keys.ts to the stored key set (lambdas/store/oidc-keys.ts),
 * making the set first if there is none. Locally nothing schedules it; `rotateKeys` is the same
 * function, for tests and local tooling.
 *
 * "Now" is the event's `time`, the moment the rule fired: a retried invocation judges the same
 * instant. A duplicate run loses to the first on the version condition and writes nothing. The
 * log says what happened and which keys are in which state (their ids, never key material).
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { Ports } from '../../core/ports.ts';
import { describeError, logger } from '../../http/logger.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { type KeyRotation, rotateKeys } from '../../store/oidc-keys.ts';

/** Built once, at module load, like every Lambda's ports: exactly its grants (encryptsFields). */
const ports = { cipher: fieldCipherFromEnvironment() } satisfies Partial<Ports>;

export async function handler(event: Pick<ScheduledEvent, 'time'>): Promise<KeyRotation['outcome']> {
  const scheduled = Date.parse(event.time);
  const now = new Date(Number.isNaN(scheduled) ? Date.now() : scheduled);
  try {
    const { outcome, set } = await rotateKeys(ports, now);
    logger.info('oidc keys', {
      outcome,
      version: set.version,
      signing: set.signing.map(({ kid, alg, state }) => ({ kid, alg, state })),
      cookieKeys: set.cookieKeys.map(({ id, state }) => ({ id, state })),
    });
    return outcome;
  } catch (error) {
    logger.error('oidc keys not rotated', describeError(error));
    throw error;
  }
}
