/**
 * One member's identity verification in progress: what has been done, kept on the account so
 * that leaving and coming back continues where it stopped. Pure rules only; the store is
 * lambdas/store/verification.ts and the steps are self-service.ts and video.ts.
 *
 * The order of self-service (NIST SP 800-63A rev 4, IAL2):
 *   start      consent: what is asked and why, how long evidence is kept; the selfie comparison apart
 *   documents  the document (STRONG evidence) and a selfie; checked for authenticity and compared
 *   details    legal name, date of birth, address, SSN, phone: filled in from the document, confirmed
 *   phone      a code to that phone proves the phone account (FAIR evidence)
 *   result     records validation ran; verified, or could not verify (the video call is offered)
 */
import type { DocumentType, EvidencePart, ImageProblem } from './ports.ts';

export type VerificationStep = 'start' | 'documents' | 'details' | 'phone' | 'result' | 'video';

/** How an attempt ended, when it has. */
export type AttemptOutcome =
  /** The automated checks could not verify (records, authenticity, the face): the video call is offered. */
  | 'could-not-verify'
  /** An agent denied the video verification, with a reason code. */
  | 'denied'
  /** An agent flagged suspected fraud: no further attempt without the operator. */
  | 'fraud';

export interface VerificationAttempt {
  readonly attemptId: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Incremented by every write; a write names the revision it read, so two tabs cannot lose each other's step. */
  readonly revision: number;
  /** ISO times of the two consents; both are needed before any picture is taken. */
  readonly consentedAt?: string;
  readonly biometricConsentAt?: string;
  readonly documentType?: DocumentType;
  /** The pictures in the evidence bucket, by part: when each arrived. */
  readonly uploads: Partial<Record<EvidencePart, string>>;
  /** The last picture that could not be read, and why: shown until that part is taken again. */
  readonly imageProblem?: { readonly part: EvidencePart; readonly problem: ImageProblem };
  /** When the document and selfie passed (authentic, and the same person). */
  readonly documentsPassedAt?: string;
  /** The last counted document failure, shown with what to do. */
  readonly documentFailure?: 'not-authentic' | 'no-match';
  /** What the document check read, encrypted (field `verification-extracted`): fills the details form. */
  readonly extracted?: string;
  /** The details as the member confirmed them, encrypted (field `verification-details`). */
  readonly details?: string;
  readonly detailsConfirmedAt?: string;
  /** The keyed hash of the confirmed SSN: the limit of checks per SSN and the one-account claim. */
  readonly ssnKey?: string;
  /** The phone of the details: its last four digits, when a code went, and when it was proven. */
  readonly phoneLast4?: string;
  readonly phoneCodeSentAt?: string;
  readonly phoneProvenAt?: string;
  /** The phone account is not the member's (records say so): another phone is needed. */
  readonly phoneNotOwned?: boolean;
  readonly outcome?: AttemptOutcome;
  /** An agent's reason code for a denial. */
  readonly denialReason?: DenialReason;
  readonly endedAt?: string;
  /**
   * The video call: the member's place in the queue (its sort key). The review an agent took is
   * on the place, not here: one fact, one item.
   */
  readonly queueEntry?: string;
}

/** Why an agent denies, as a code the member's page and mail explain. */
export const DENIAL_REASONS = {
  'document-unclear': 'The document was not clear enough on the call to compare with you.',
  'document-mismatch': 'The document shown on the call did not match the one you uploaded.',
  'person-mismatch': 'The agent could not confirm that you are the person on the document.',
  'details-mismatch': 'The information you entered did not match your document.',
  'call-ended': 'The call ended before the agent could finish.',
} as const;
export type DenialReason = keyof typeof DENIAL_REASONS;
export const isDenialReason = (value: unknown): value is DenialReason =>
  typeof value === 'string' && Object.hasOwn(DENIAL_REASONS, value);

/** The parts a document type needs, in the order the page asks for them. */
export const partsOf = (type: DocumentType): readonly EvidencePart[] =>
  type === 'passport' ? ['front', 'selfie'] : ['front', 'back', 'selfie'];

export const hasAllParts = (attempt: VerificationAttempt): boolean =>
  attempt.documentType !== undefined && partsOf(attempt.documentType).every((part) => attempt.uploads[part]);

/** The page of each step. */
export const STEP_PATHS: Readonly<Record<VerificationStep, string>> = {
  start: '/verify/start',
  documents: '/verify/documents',
  details: '/verify/details',
  phone: '/verify/phone',
  result: '/verify/result',
  video: '/verify/video',
};

/** Where the member continues. An ended attempt shows its result; a queued one its place. */
export function nextStep(attempt: VerificationAttempt | undefined): VerificationStep {
  if (!attempt) return 'start';
  if (attempt.outcome === 'denied' || attempt.outcome === 'fraud') return 'result';
  // Could not verify by self-service, then joined the video call: the call is where it stands.
  if (attempt.queueEntry) return 'video';
  if (attempt.outcome) return 'result';
  if (!attempt.consentedAt || !attempt.biometricConsentAt) return 'start';
  if (!attempt.documentsPassedAt) return 'documents';
  if (!attempt.detailsConfirmedAt) return 'details';
  return 'phone';
}

/**
 * The details form: after the documents passed, or after they failed a check (not unreadable),
 * on the way to the video call, where an agent looks at them instead.
 */
export const mayEnterDetails = (attempt: VerificationAttempt | undefined): boolean => {
  const step = nextStep(attempt);
  if (step === 'details' || step === 'phone') return true;
  return (
    step === 'documents' &&
    attempt?.documentFailure !== undefined &&
    attempt.imageProblem === undefined &&
    hasAllParts(attempt)
  );
};

/** The video call needs the pictures readable and the details confirmed: problems come back before the queue. */
export const readyForVideo = (attempt: VerificationAttempt | undefined): boolean =>
  attempt !== undefined &&
  attempt.outcome !== 'fraud' &&
  attempt.consentedAt !== undefined &&
  hasAllParts(attempt) &&
  attempt.imageProblem === undefined &&
  attempt.detailsConfirmedAt !== undefined;

/** Where a picture goes in the evidence bucket: the attempt's own prefix, a fixed name per part. */
export const evidenceKey = (accountId: string, attemptId: string, part: EvidencePart): string =>
  `attempts/${accountId}/${attemptId}/${part}`;

export const EVIDENCE_PARTS: readonly EvidencePart[] = ['front', 'back', 'selfie'];
export const isEvidencePart = (value: unknown): value is EvidencePart =>
  typeof value === 'string' && (EVIDENCE_PARTS as readonly string[]).includes(value);
export const isDocumentType = (value: unknown): value is DocumentType =>
  value === 'drivers-license' || value === 'passport';

/** Pictures: JPEG, PNG or HEIC, at most 10 MB; an upload policy lives 15 minutes. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/heic'] as const;
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const UPLOAD_POLICY_SECONDS = 15 * 60;
