/**
 * The vendors identity verification works through, as ports. Each has a cloud adapter (Amazon
 * Textract AnalyzeID, Amazon Rekognition, a data broker, Amazon S3) and a deterministic sandbox
 * twin (lambdas/verification/vendors/sandbox.ts) that is the default locally and in tests. The
 * sandbox's rules are the table in the README ("Walking every verification outcome").
 *
 * No port ever receives or returns an image in a log line, and no adapter logs what it reads.
 */

/** The document a member shows: a driver's license or state ID (front and back), or a passport photo page. */
export type DocumentType = 'drivers-license' | 'passport';

/** The pictures of one attempt, by what they show. */
export type EvidencePart = 'front' | 'back' | 'selfie';

/** Why a picture cannot be read: said at once, and never counted as a failed check. */
export type ImageProblem = 'blur' | 'glare' | 'cropped' | 'no-face' | 'not-an-image';

/** What a document check could read from the document (all optional: the member fills the rest). */
export interface ExtractedFields {
  readonly givenName?: string;
  readonly familyName?: string;
  /** YYYY-MM-DD */
  readonly birthdate?: string;
  readonly street?: string;
  readonly city?: string;
  /** Two-letter state or territory code. */
  readonly state?: string;
  readonly postalCode?: string;
  readonly documentNumber?: string;
  /** YYYY-MM-DD */
  readonly expiresOn?: string;
}

export type DocumentResult =
  /** A picture could not be read: which one and why. Not a failed check. */
  | { readonly kind: 'unreadable'; readonly part: EvidencePart; readonly problem: ImageProblem }
  /** Read, but the document is not genuine (tampered, a screen photo, a template) or expired. */
  | { readonly kind: 'not-authentic' }
  | { readonly kind: 'read'; readonly fields: ExtractedFields };

export type FaceResult =
  | { readonly kind: 'unreadable'; readonly part: EvidencePart; readonly problem: ImageProblem }
  | { readonly kind: 'match' }
  | { readonly kind: 'no-match' };

/** The person as the member confirmed them, for records validation. */
export interface PersonDetails {
  readonly givenName: string;
  readonly familyName: string;
  /** YYYY-MM-DD */
  readonly birthdate: string;
  /** Nine digits, no dashes. */
  readonly ssn: string;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly postalCode: string;
  /** E.164 */
  readonly phone: string;
}

/**
 * A records check. `match`: the name, date of birth, SSN and address belong together and there
 * is no date of death. Anything else is reported to the member as one generic sentence, so that
 * nobody learns which field matched.
 */
export type RecordsResult = 'match' | 'no-match' | 'deceased' | 'unavailable';

/** Whether a phone account belongs to the person (FAIR evidence), before a code proves control. */
export type PhoneOwnership = 'owner' | 'not-owner' | 'unavailable';

/** Where an attempt's pictures are: the evidence bucket, with keys Verity chose. */
export interface EvidenceObject {
  readonly key: string;
}

/** What a browser needs to upload one picture straight to the bucket (a presigned POST policy). */
export interface UploadForm {
  readonly url: string;
  /** Hidden form fields, in order; the file field comes last and is named `file`. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface EvidenceStore {
  /**
   * A POST policy that lets a browser upload exactly one object under `key`: content type one
   * of `contentTypes`, at most `maxBytes`, valid `expiresSeconds`; S3 then redirects the
   * browser to `redirectTo`.
   */
  uploadForm(input: {
    readonly key: string;
    readonly contentTypes: readonly string[];
    readonly maxBytes: number;
    readonly expiresSeconds: number;
    readonly redirectTo: string;
  }): Promise<UploadForm>;
  /** The object's size and type, or undefined when nothing was uploaded under the key. */
  describe(key: string): Promise<{ readonly bytes: number; readonly contentType: string } | undefined>;
  read(key: string): Promise<Uint8Array | undefined>;
  /** A short-lived URL an agent's browser may GET the picture from. */
  viewUrl(key: string, expiresSeconds: number): Promise<string>;
  /** Deletes the objects; deleting what is not there is fine. */
  remove(keys: readonly string[]): Promise<void>;
}

export interface DocumentVerifier {
  check(input: {
    readonly documentType: DocumentType;
    readonly front: EvidenceObject;
    /** Absent for a passport. */
    readonly back?: EvidenceObject;
  }): Promise<DocumentResult>;
}

export interface FaceMatcher {
  /** Compares the selfie with the portrait on the document's front (or passport page). */
  compare(input: { readonly document: EvidenceObject; readonly selfie: EvidenceObject }): Promise<FaceResult>;
}

/** The data broker contract (docs/verification-vendors.md "Records adapter contract"). */
export interface RecordsVerifier {
  check(person: PersonDetails): Promise<RecordsResult>;
  phoneOwnership(person: PersonDetails): Promise<PhoneOwnership>;
}

/** The video call: Amazon Chime SDK Meetings in the cloud, a sandbox call page locally. */
export interface CallRooms {
  /** Opens a room for one review; returns what the member's and the agent's pages need to join. */
  open(reviewId: string): Promise<CallRoom>;
  /**
   * Lets one person into an open room: Chime needs an attendee (and its join token) per person,
   * made for that room. `id` names the person to the call (an account id or an agent's
   * username), never anything personal.
   */
  admit(room: CallRoom, participant: CallParticipant): Promise<CallPass>;
  close(room: CallRoom): Promise<void>;
}

export interface CallParticipant {
  readonly role: 'member' | 'agent';
  readonly id: string;
}

/** What one person's page needs, beside the room, to join the call. */
export interface CallPass {
  readonly attendeeId: string;
  /** For Chime, the attendee JSON (with its join token); empty for the sandbox. */
  readonly joinInfo: string;
}

export interface CallRoom {
  readonly provider: 'sandbox' | 'chime';
  readonly meetingId: string;
  /** For Chime, the meeting's media placement JSON; empty for the sandbox. */
  readonly joinInfo: string;
}

/** Every verification vendor, as one bundle of ports a handler builds once at module load. */
export interface VerificationVendors {
  readonly evidence: EvidenceStore;
  readonly documents: DocumentVerifier;
  readonly faces: FaceMatcher;
  readonly records: RecordsVerifier;
  readonly calls: CallRooms;
}
