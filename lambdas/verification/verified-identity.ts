/**
 * Verified once, used everywhere: the identity is written on the account with the SSN's claim in
 * one transaction (lambdas/store/verification.ts), every confirmed email hears of it (so nobody
 * verifies an identity on an account without its owner knowing), and the pictures are deleted
 * at once: the checks have ended.
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import type { Ports } from '../core/ports.ts';
import { sendNotice } from '../emails/notices.ts';
import type { TransactItem } from '../store/dynamo.ts';
import * as store from '../store/verification.ts';
import { EVIDENCE_PARTS, evidenceKey, type VerificationAttempt } from './attempt.ts';
import type { PersonDetails } from './ports.ts';

export const DETAILS_FIELD = 'verification-details';
export const EXTRACTED_FIELD = 'verification-extracted';
export const IDENTITY_FIELD = 'verified-identity';

/** The details the member confirmed, decrypted; undefined before they were confirmed. */
export async function confirmedDetails(
  accountId: string,
  attempt: VerificationAttempt,
  ports: Pick<Ports, 'cipher'>,
): Promise<PersonDetails | undefined> {
  if (!attempt.details) return undefined;
  return JSON.parse(await ports.cipher.decrypt(attempt.details, { accountId, field: DETAILS_FIELD }));
}

/** The verified person of an identity, decrypted: what partners receive as IAL2 claims. */
export async function verifiedPerson(
  accountId: string,
  identity: store.VerifiedIdentity,
  ports: Pick<Ports, 'cipher'>,
): Promise<PersonDetails> {
  return JSON.parse(await ports.cipher.decrypt(identity.person, { accountId, field: IDENTITY_FIELD }));
}

/** Deletes every picture of the attempt; the bucket's lifecycle rule is only the backstop. */
export async function deleteEvidence(
  accountId: string,
  attempt: Pick<VerificationAttempt, 'attemptId'>,
  ports: Pick<Ports, 'vendors'>,
): Promise<void> {
  await ports.vendors.evidence.remove(
    EVIDENCE_PARTS.map((part) => evidenceKey(accountId, attempt.attemptId, part)),
  );
}

export type VerifyOutcome = 'verified' | 'ssn-held' | 'already-verified' | 'changed';

/**
 * Writes the verified identity from an attempt whose details are confirmed. `ssn-held`: another
 * account holds this SSN's verified identity (the member is told so, and nothing about it).
 */
export async function verifyIdentity(
  accountId: string,
  attempt: VerificationAttempt,
  how: {
    readonly method: store.VerificationMethod;
    readonly agent?: string;
    readonly extra?: readonly TransactItem[];
  },
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'mail' | 'vendors'>,
): Promise<VerifyOutcome> {
  const person = await confirmedDetails(accountId, attempt, ports);
  if (!person || !attempt.ssnKey || !attempt.documentType) return 'changed';
  const byAgent = how.method === 'video';
  const identity: store.VerifiedIdentity = {
    method: how.method,
    level: 'IAL2',
    evidence: [attempt.documentType, 'phone-account'],
    verifiedAt: context.now.toISOString(),
    checks: {
      document: byAgent ? 'agent' : 'automated',
      face: byAgent ? 'agent' : 'automated',
      records: byAgent ? 'agent' : 'automated',
      phone: attempt.phoneProvenAt ? 'code' : 'agent',
    },
    ...(how.agent ? { agent: how.agent } : {}),
    person: await ports.cipher.encrypt(JSON.stringify(person), { accountId, field: IDENTITY_FIELD }),
    ssnKey: attempt.ssnKey,
  };
  const before = await store.identityOf(accountId);
  const written = await store.recordIdentity(
    accountId,
    identity,
    attempt.revision,
    historyEvent('identity-verified', context),
    how.extra,
    before,
  );
  if (written !== 'ok') return written;
  await deleteEvidence(accountId, attempt, ports);
  await sendNotice(
    accountId,
    'identity-verified',
    context,
    ports,
    byAgent ? 'on a video call' : 'self-service',
  );
  return 'verified';
}

/** The keyed hash of an SSN: the claim's key and the per-SSN limit's key, no SSN in the table. */
export async function ssnKeyOf(ssn: string, ports: Pick<Ports, 'pepper'>): Promise<string> {
  return (await ports.pepper.mac(Buffer.from(`verity/ssn-key/v1:${ssn}`, 'utf8'))).toString('base64url');
}
