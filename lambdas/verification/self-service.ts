/**
 * Self-service identity verification, step by step (the order is attempt.ts's). Each step reads
 * the attempt, does its one thing and writes the attempt at the revision it read, so leaving and
 * coming back continues where it stopped and two tabs cannot undo each other.
 *
 * Named steps:
 *   startVerification     both consents given: an attempt begins
 *   chooseDocument        a driver's license or state ID, or a passport
 *   uploadFormsFor        presigned POST policies, one per picture, straight to the bucket
 *   recordUpload          S3 sent the browser back: the picture is there
 *   checkDocuments        authenticity, what the document says, the selfie against its portrait
 *   confirmDetails        the member's information, encrypted, and the SSN's keyed hash
 *   sendVerificationCode  the phone account is the member's, and a code goes to it
 *   provePhone            the code proves the phone; then records validation finishes
 *   checkRecords          records validation; verified, or could not verify
 */
import type { RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { type Attempt, giveBack, limits, type Refusal, takeAttempt } from '../limits/counters.ts';
import { checkPhoneCode, phoneKeyOf, sendPhoneCode } from '../mfa/phone.ts';
import * as store from '../store/verification.ts';
import {
  evidenceKey,
  hasAllParts,
  mayEnterDetails,
  nextStep,
  partsOf,
  UPLOAD_MAX_BYTES,
  UPLOAD_POLICY_SECONDS,
  UPLOAD_TYPES,
  type VerificationAttempt,
} from './attempt.ts';
import { type DetailProblems, type DetailsForm, readDetails } from './details.ts';
import type { DocumentType, EvidencePart, ExtractedFields, UploadForm } from './ports.ts';
import {
  confirmedDetails,
  DETAILS_FIELD,
  deleteEvidence,
  EXTRACTED_FIELD,
  ssnKeyOf,
  type VerifyOutcome,
  verifyIdentity,
} from './verified-identity.ts';

/** The target of the phone code in the ephemeral table (the MFA phone codes' store). */
const PHONE_TARGET = 'verify-phone';

type Saved = Omit<VerificationAttempt, 'revision'>;

/** The attempt, or the member is sent to start. */
async function current(accountId: string): Promise<VerificationAttempt> {
  const attempt = await store.attemptOf(accountId);
  if (!attempt) throw problem({ kind: 'VerificationStepNotReady' });
  return attempt;
}

/** Writes the next version of the attempt; a write that lost to another tab is the step not being ready any more. */
async function save(
  accountId: string,
  read: VerificationAttempt,
  next: Saved,
  now: Date,
): Promise<VerificationAttempt> {
  const saved = await store.saveAttempt(accountId, { ...next, updatedAt: now.toISOString() }, read.revision);
  if (saved === 'changed') throw problem({ kind: 'VerificationStepNotReady' });
  return saved;
}

/** An attempt that ended (verified is no attempt at all) takes no more steps but Start over. */
function open(attempt: VerificationAttempt): VerificationAttempt {
  if (attempt.outcome || attempt.queueEntry) throw problem({ kind: 'VerificationStepNotReady' });
  return attempt;
}

/* ------------------------------------------------------------------ start */

export async function startVerification(
  accountId: string,
  input: { consent: boolean; biometricConsent: boolean },
  context: RequestContext,
): Promise<
  { kind: 'started' } | { kind: 'problems'; problems: { consent?: string; biometricConsent?: string } }
> {
  const problems = {
    ...(input.consent
      ? {}
      : { consent: 'Check the box to agree to how we use your documents and information.' }),
    ...(input.biometricConsent
      ? {}
      : { biometricConsent: 'Check the box to agree to the comparison of your selfie with your document.' }),
  };
  if (Object.keys(problems).length > 0) return { kind: 'problems', problems };
  const at = context.now.toISOString();
  const existing = await store.attemptOf(accountId);
  if (existing) {
    // Coming back to the first page of an attempt under way changes nothing but the consents.
    if (!existing.consentedAt || !existing.biometricConsentAt) {
      await save(accountId, existing, { ...existing, consentedAt: at, biometricConsentAt: at }, context.now);
    }
    return { kind: 'started' };
  }
  const saved = await store.saveAttempt(
    accountId,
    {
      attemptId: newId(),
      startedAt: at,
      updatedAt: at,
      consentedAt: at,
      biometricConsentAt: at,
      uploads: {},
    },
    undefined,
  );
  if (saved === 'changed') throw problem({ kind: 'VerificationStepNotReady' });
  return { kind: 'started' };
}

/* ------------------------------------------------------------------ documents */

export async function chooseDocument(accountId: string, type: DocumentType, now: Date): Promise<void> {
  const attempt = open(await current(accountId));
  if (nextStep(attempt) !== 'documents') throw problem({ kind: 'VerificationStepNotReady' });
  if (attempt.documentType === type) return;
  // Another document: pictures of the one before (a back) do not belong to it.
  await save(
    accountId,
    attempt,
    {
      ...withoutDocumentOutcome(attempt),
      documentType: type,
      uploads: attempt.uploads.selfie ? { selfie: attempt.uploads.selfie } : {},
    },
    now,
  );
}

/** The forms that upload each picture of the chosen document straight to the evidence bucket. */
export async function uploadFormsFor(
  accountId: string,
  attempt: VerificationAttempt,
  siteUrl: string,
  ports: Pick<Ports, 'vendors'>,
): Promise<Partial<Record<EvidencePart, UploadForm>>> {
  if (!attempt.documentType) return {};
  const forms: Partial<Record<EvidencePart, UploadForm>> = {};
  for (const part of partsOf(attempt.documentType)) {
    forms[part] = await ports.vendors.evidence.uploadForm({
      key: evidenceKey(accountId, attempt.attemptId, part),
      contentTypes: UPLOAD_TYPES,
      maxBytes: UPLOAD_MAX_BYTES,
      expiresSeconds: UPLOAD_POLICY_SECONDS,
      redirectTo: `${siteUrl}/verify/documents/uploaded?part=${part}`,
    });
  }
  return forms;
}

/**
 * S3 sent the browser back after an upload. The redirect's query proves nothing (anyone can type
 * it), so the bucket is asked whether the picture is there.
 */
export async function recordUpload(
  accountId: string,
  part: EvidencePart,
  now: Date,
  ports: Pick<Ports, 'vendors'>,
): Promise<'recorded' | 'missing'> {
  const attempt = open(await current(accountId));
  if (!attempt.documentType || !partsOf(attempt.documentType).includes(part) || attempt.documentsPassedAt) {
    throw problem({ kind: 'VerificationStepNotReady' });
  }
  const object = await ports.vendors.evidence.describe(evidenceKey(accountId, attempt.attemptId, part));
  if (!object || object.bytes > UPLOAD_MAX_BYTES) return 'missing';
  const { imageProblem, ...rest } = withoutDocumentOutcome(attempt);
  await save(
    accountId,
    attempt,
    {
      ...rest,
      // A new picture of the part that could not be read clears the problem; another part's stays.
      ...(imageProblem && imageProblem.part !== part ? { imageProblem } : {}),
      uploads: { ...attempt.uploads, [part]: now.toISOString() },
    },
    now,
  );
  return 'recorded';
}

const withoutDocumentOutcome = (attempt: VerificationAttempt): Saved => {
  const { documentFailure: _failure, revision: _revision, ...rest } = attempt;
  return rest;
};

export type DocumentCheck =
  | { kind: 'passed' }
  | { kind: 'unreadable' }
  | { kind: 'failed'; failure: 'not-authentic' | 'no-match' };

/**
 * The document and the selfie, checked. The limit is taken before the vendors are asked; a
 * picture that cannot be read is said at once and gives the try back: it is not a failure.
 */
export async function checkDocuments(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'vendors' | 'cipher'>,
): Promise<DocumentCheck> {
  const attempt = open(await current(accountId));
  if (nextStep(attempt) !== 'documents' || !hasAllParts(attempt) || !attempt.documentType) {
    throw problem({ kind: 'VerificationStepNotReady' });
  }
  if (attempt.imageProblem) return { kind: 'unreadable' };
  const taken = granted(await takeAttempt(limits.documentChecks, accountId, context.now), 'documents');
  const front = { key: evidenceKey(accountId, attempt.attemptId, 'front') };
  const document = await ports.vendors.documents.check({
    documentType: attempt.documentType,
    front,
    ...(attempt.documentType === 'drivers-license'
      ? { back: { key: evidenceKey(accountId, attempt.attemptId, 'back') } }
      : {}),
  });
  if (document.kind === 'unreadable') {
    await giveBack(taken);
    await save(
      accountId,
      attempt,
      { ...withoutDocumentOutcome(attempt), imageProblem: document },
      context.now,
    );
    return { kind: 'unreadable' };
  }
  if (document.kind === 'not-authentic')
    return failDocuments(accountId, attempt, 'not-authentic', context.now);
  const face = await ports.vendors.faces.compare({
    document: front,
    selfie: { key: evidenceKey(accountId, attempt.attemptId, 'selfie') },
  });
  if (face.kind === 'unreadable') {
    await giveBack(taken);
    await save(accountId, attempt, { ...withoutDocumentOutcome(attempt), imageProblem: face }, context.now);
    return { kind: 'unreadable' };
  }
  if (face.kind === 'no-match') return failDocuments(accountId, attempt, 'no-match', context.now);
  await save(
    accountId,
    attempt,
    {
      ...withoutDocumentOutcome(attempt),
      documentsPassedAt: context.now.toISOString(),
      extracted: await ports.cipher.encrypt(JSON.stringify(document.fields), {
        accountId,
        field: EXTRACTED_FIELD,
      }),
    },
    context.now,
  );
  return { kind: 'passed' };
}

async function failDocuments(
  accountId: string,
  attempt: VerificationAttempt,
  failure: 'not-authentic' | 'no-match',
  now: Date,
): Promise<DocumentCheck> {
  await save(accountId, attempt, { ...withoutDocumentOutcome(attempt), documentFailure: failure }, now);
  return { kind: 'failed', failure };
}

/** What the document check read, to fill the details form. */
export async function extractedFields(
  accountId: string,
  attempt: VerificationAttempt,
  ports: Pick<Ports, 'cipher'>,
): Promise<ExtractedFields> {
  if (!attempt.extracted) return {};
  return JSON.parse(await ports.cipher.decrypt(attempt.extracted, { accountId, field: EXTRACTED_FIELD }));
}

/* ------------------------------------------------------------------ details */

export type DetailsOutcome =
  | { kind: 'confirmed' }
  | { kind: 'problems'; problems: DetailProblems; form: DetailsForm }
  /** Another account holds the verified identity of this SSN. */
  | { kind: 'ssn-held' };

export async function confirmDetails(
  accountId: string,
  input: Record<string, unknown>,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'pepper'>,
): Promise<DetailsOutcome> {
  const attempt = open(await current(accountId));
  if (!mayEnterDetails(attempt)) throw problem({ kind: 'VerificationStepNotReady' });
  const read = readDetails(input, context.now);
  if (read.kind === 'problems') return read;
  const person = read.person;
  const ssnKey = await ssnKeyOf(person.ssn, ports);
  // Said before the phone and records steps, not after them; the claim itself is taken at the end.
  const holder = await store.ssnHolder(ssnKey);
  if (holder && holder !== accountId) return { kind: 'ssn-held' };
  const before = await confirmedDetails(accountId, attempt, ports);
  const samePhone = before?.phone === person.phone;
  const {
    phoneProvenAt: _proven,
    phoneCodeSentAt: _sent,
    phoneNotOwned: _notOwned,
    revision: _revision,
    ...rest
  } = attempt;
  await save(
    accountId,
    attempt,
    {
      ...rest,
      // Proving a phone is proving that number: a changed number is proven again.
      ...(samePhone && attempt.phoneProvenAt ? { phoneProvenAt: attempt.phoneProvenAt } : {}),
      details: await ports.cipher.encrypt(JSON.stringify(person), { accountId, field: DETAILS_FIELD }),
      detailsConfirmedAt: context.now.toISOString(),
      ssnKey,
      phoneLast4: person.phone.slice(-4),
    },
    context.now,
  );
  return { kind: 'confirmed' };
}

/* ------------------------------------------------------------------ phone */

export type PhoneOutcome = { kind: 'sent' } | { kind: 'not-owner' } | { kind: 'unavailable' };

/** Records say whether the phone account is the member's; if it is, a code goes to it. */
export async function sendVerificationCode(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'pepper' | 'texts' | 'vendors'>,
): Promise<PhoneOutcome> {
  const attempt = open(await current(accountId));
  if (nextStep(attempt) !== 'phone' || attempt.phoneProvenAt)
    throw problem({ kind: 'VerificationStepNotReady' });
  const person = await confirmedDetails(accountId, attempt, ports);
  if (!person) throw problem({ kind: 'VerificationStepNotReady' });
  const ownership = await ports.vendors.records.phoneOwnership(person);
  if (ownership === 'unavailable') return { kind: 'unavailable' };
  if (ownership === 'not-owner') {
    await save(accountId, attempt, { ...attempt, phoneNotOwned: true }, context.now);
    return { kind: 'not-owner' };
  }
  await sendPhoneCode(
    accountId,
    PHONE_TARGET,
    { phone: person.phone, phoneKey: await phoneKeyOf(person.phone, ports), channel: 'sms' },
    context,
    ports,
  );
  await save(accountId, attempt, { ...attempt, phoneCodeSentAt: context.now.toISOString() }, context.now);
  return { kind: 'sent' };
}

export type FinishOutcome = VerifyOutcome | 'could-not-verify' | 'records-unavailable';

/**
 * The code proves the phone (wrong codes count toward the same lockout as the second step of
 * sign-in); records validation then finishes the verification at once.
 */
export async function provePhone(
  accountId: string,
  code: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'mail' | 'pepper' | 'vendors'>,
): Promise<FinishOutcome> {
  const attempt = open(await current(accountId));
  if (nextStep(attempt) !== 'phone') throw problem({ kind: 'VerificationStepNotReady' });
  if (attempt.phoneProvenAt) return checkRecords(accountId, attempt, context, ports);
  if (!attempt.phoneCodeSentAt) throw problem({ kind: 'VerificationStepNotReady' });
  await checkPhoneCode(accountId, PHONE_TARGET, code, context);
  // Written with whatever records decide (the identity, or the attempt's outcome); only a records
  // service that did not answer needs it written on its own, so the member needs no new code.
  const proven = { ...attempt, phoneProvenAt: context.now.toISOString() };
  const finished = await checkRecords(accountId, proven, context, ports);
  if (finished === 'records-unavailable') await save(accountId, attempt, proven, context.now);
  return finished;
}

/**
 * Records validation. Both limits are taken before the broker is asked: the account's, and the
 * SSN's across all accounts. A broker that did not answer gives both back.
 */
async function checkRecords(
  accountId: string,
  attempt: VerificationAttempt,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'mail' | 'vendors'>,
): Promise<FinishOutcome> {
  const person = await confirmedDetails(accountId, attempt, ports);
  if (!person || !attempt.ssnKey) throw problem({ kind: 'VerificationStepNotReady' });
  const forAccount = granted(await takeAttempt(limits.recordsChecks, accountId, context.now), 'records');
  const ssnTry = await takeAttempt(limits.ssnChecks, attempt.ssnKey, context.now);
  if (!ssnTry.granted) {
    await giveBack(forAccount);
    granted(ssnTry, 'ssn');
  }
  const records = await ports.vendors.records.check(person);
  if (records === 'unavailable') {
    await Promise.all([giveBack(forAccount), ssnTry.granted ? giveBack(ssnTry) : undefined]);
    return 'records-unavailable';
  }
  if (records !== 'match') {
    await save(
      accountId,
      attempt,
      { ...attempt, outcome: 'could-not-verify', endedAt: context.now.toISOString() },
      context.now,
    );
    return 'could-not-verify';
  }
  return verifyIdentity(accountId, attempt, { method: 'self-service' }, context, ports);
}

/* ------------------------------------------------------------------ start over */

/** Deletes the attempt and its pictures; an attempt an agent flagged stays. */
export async function startOver(accountId: string, ports: Pick<Ports, 'vendors'>): Promise<void> {
  const attempt = await store.attemptOf(accountId);
  if (!attempt) return;
  if (attempt.outcome === 'fraud' || attempt.queueEntry) {
    throw problem({ kind: 'VerificationStepNotReady' });
  }
  if (await store.deleteAttempt(accountId, attempt.revision)) await deleteEvidence(accountId, attempt, ports);
}

function granted(attempt: Attempt | Refusal, what: 'documents' | 'records' | 'ssn'): Attempt {
  if (!attempt.granted) {
    throw problem({ kind: 'VerificationThrottled', what, retryAfterSeconds: attempt.retryAfterSeconds });
  }
  return attempt;
}
