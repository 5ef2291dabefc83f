/**
 * The sandbox vendor: deterministic twins of the document, face, records and call vendors, the
 * default locally and in tests. Every rule is a pure function here so that unit tests walk it
 * without I/O, and every rule is a line of the table in docs/verification-vendors.md, which is
 * how anyone reaches each outcome from the browser. The evidence store stays the real one (S3,
 * s3rver locally): the sandbox reads what the member uploaded through it.
 *
 * The records rules pass only SSNs that no person holds (900-999 are never issued as SSNs, nor is
 * 666), so a sandbox left on by mistake verifies nobody real.
 */
import type {
  CallRoom,
  CallRooms,
  DocumentResult,
  DocumentType,
  DocumentVerifier,
  EvidenceObject,
  EvidenceStore,
  ExtractedFields,
  FaceMatcher,
  FaceResult,
  ImageProblem,
  PersonDetails,
  PhoneOwnership,
  RecordsResult,
  RecordsVerifier,
  VerificationVendors,
} from '../ports.ts';
import { readSandboxEvidence, SAMPLE_IDENTITY, type SandboxReading } from './description.ts';

/** The sandbox's documents, faces, records and calls, reading the pictures from `evidence`. */
export function sandboxVendors(evidence: Pick<EvidenceStore, 'read'>): Omit<VerificationVendors, 'evidence'> {
  return {
    documents: sandboxDocumentVerifier(evidence),
    faces: sandboxFaceMatcher(evidence),
    records: sandboxRecordsVerifier(),
    calls: sandboxCallRooms(),
  };
}

export function sandboxDocumentVerifier(evidence: Pick<EvidenceStore, 'read'>): DocumentVerifier {
  return {
    async check({ documentType, front, back }) {
      const [frontReading, backReading] = await Promise.all([
        readPart(evidence, front),
        documentType === 'passport' ? undefined : readPart(evidence, back),
      ]);
      return sandboxDocumentResult(documentType, frontReading, backReading);
    },
  };
}

export function sandboxFaceMatcher(evidence: Pick<EvidenceStore, 'read'>): FaceMatcher {
  return {
    async compare({ document, selfie }) {
      const [documentReading, selfieReading] = await Promise.all([
        readPart(evidence, document),
        readPart(evidence, selfie),
      ]);
      return sandboxFaceResult(documentReading, selfieReading);
    },
  };
}

export function sandboxRecordsVerifier(): RecordsVerifier {
  return {
    check: async (person) => sandboxRecordsResult(person),
    phoneOwnership: async (person) => sandboxPhoneOwnership(person),
  };
}

export function sandboxCallRooms(): CallRooms {
  return {
    open: async (reviewId) => sandboxCallRoom(reviewId),
    admit: async (_room, participant) => ({
      attendeeId: `sandbox-${participant.role}-${participant.id}`,
      joinInfo: '',
    }),
    close: async () => {},
  };
}

export function sandboxCallRoom(reviewId: string): CallRoom {
  return { provider: 'sandbox', meetingId: `sandbox-${reviewId}`, joinInfo: '' };
}

/**
 * The document check. The first unreadable part wins, front before back (the member fixes that
 * picture first); then a part described as not authentic fails the document; then the fields:
 * the front's (a license) or the page's (a passport), each missing one taken from the back.
 * A license without a back cannot be checked: its back counts as unreadable.
 */
export function sandboxDocumentResult(
  documentType: DocumentType,
  front: SandboxReading,
  back?: SandboxReading,
): DocumentResult {
  const parts: ['front' | 'back', SandboxReading | undefined][] =
    documentType === 'passport'
      ? [['front', front]]
      : [
          ['front', front],
          ['back', back],
        ];
  for (const [part, reading] of parts) {
    const problem = problemOf(reading);
    if (problem) return { kind: 'unreadable', part, problem };
  }
  const readings = parts.map(([, reading]) => reading);
  if (readings.some((r) => r?.kind === 'description' && r.description.authentic === false))
    return { kind: 'not-authentic' };
  const backFields = documentType === 'passport' ? {} : fieldsOf(back);
  return { kind: 'read', fields: { ...backFields, ...fieldsOf(front) } };
}

/**
 * The selfie against the document's portrait: an unreadable selfie, or one without a face,
 * is said as such; then a portrait described as not matching, on the document or on the selfie,
 * is no match; anything else matches.
 */
export function sandboxFaceResult(document: SandboxReading, selfie: SandboxReading): FaceResult {
  const selfieProblem = problemOf(selfie);
  if (selfieProblem) return { kind: 'unreadable', part: 'selfie', problem: selfieProblem };
  if (selfie.kind === 'description' && selfie.description.face === 'none')
    return { kind: 'unreadable', part: 'selfie', problem: 'no-face' };
  const documentProblem = problemOf(document);
  if (documentProblem) return { kind: 'unreadable', part: 'front', problem: documentProblem };
  const mismatch = (r: SandboxReading) => r.kind === 'description' && r.description.portrait === 'mismatch';
  return mismatch(document) || mismatch(selfie) ? { kind: 'no-match' } : { kind: 'match' };
}

/**
 * Records, by the given name first (case-insensitive): `Time` times out, `Bad` does not match,
 * `Deceased` has a date of death; otherwise an SSN starting with 900 or 666 matches and any other
 * does not.
 */
export function sandboxRecordsResult(person: Pick<PersonDetails, 'givenName' | 'ssn'>): RecordsResult {
  const name = person.givenName.toLowerCase();
  if (name.includes('time')) return 'unavailable';
  if (name.includes('bad')) return 'no-match';
  if (name.includes('deceased')) return 'deceased';
  return person.ssn.startsWith('900') || person.ssn.startsWith('666') ? 'match' : 'no-match';
}

/**
 * Phone ownership: a phone ending in 5555 is someone else's, one ending in 0000 times out. Not by
 * the name: a given name containing `Time` must get past the phone to reach the records timeout.
 */
export function sandboxPhoneOwnership(person: Pick<PersonDetails, 'givenName' | 'phone'>): PhoneOwnership {
  if (person.phone.endsWith('5555')) return 'not-owner';
  return person.phone.endsWith('0000') ? 'unavailable' : 'owner';
}

async function readPart(
  evidence: Pick<EvidenceStore, 'read'>,
  object: EvidenceObject | undefined,
): Promise<SandboxReading> {
  return readSandboxEvidence(object ? await evidence.read(object.key) : undefined);
}

function problemOf(reading: SandboxReading | undefined): ImageProblem | undefined {
  if (!reading) return 'not-an-image';
  if (reading.kind === 'unreadable') return reading.problem;
  if (reading.kind === 'description') return reading.description.quality;
  return undefined;
}

/** What a part shows: the sample identity for a picture, only the described fields for a description. */
function fieldsOf(reading: SandboxReading | undefined): ExtractedFields {
  if (reading?.kind === 'image') return { ...SAMPLE_IDENTITY };
  if (reading?.kind === 'description') return reading.description.fields ?? {};
  return {};
}
