/**
 * The document check in the cloud: Amazon Textract AnalyzeID on the pictures in the evidence
 * bucket (Textract reads them there by bucket and key; nothing passes through the Lambda).
 *
 * What this is and is not: AnalyzeID READS an identity document (names, dates, address, number)
 * with a confidence per field. It does not prove that the document is genuine: it looks for no
 * security features, tampering, screen photos or templates. What Verity does with it is the
 * completeness and expiry check below: a document whose key fields cannot be read confidently
 * is an unreadable picture (the member retakes it), and an expired one is not accepted. A
 * deployment that needs forensic authenticity plugs a document-verification vendor into the
 * DocumentVerifier port (lambdas/verification/ports.ts) instead of this adapter.
 *
 * AnalyzeID takes JPEG, PNG, PDF and TIFF, not HEIC: a HEIC upload comes back as unreadable
 * (`not-an-image`), which asks the member for another picture.
 */
import {
  AnalyzeIDCommand,
  type AnalyzeIDResponse,
  type IdentityDocumentField,
  TextractClient,
} from '@aws-sdk/client-textract';
import type { DocumentResult, DocumentVerifier, ExtractedFields } from '../ports.ts';

/** Below this confidence (0-100) a key field counts as not read: the picture is retaken. */
export const MIN_CONFIDENCE = 80;

/** The fields a decision rests on: who the document names, and until when it is valid. */
const KEY_FIELDS = ['FIRST_NAME', 'LAST_NAME', 'DATE_OF_BIRTH', 'EXPIRATION_DATE'] as const;

/** Textract's answers that mean "this picture is not one I can read", not "something broke". */
const UNREADABLE_ERRORS = new Set([
  'BadDocumentException',
  'UnsupportedDocumentException',
  'DocumentTooLargeException',
  'InvalidS3ObjectException',
]);

/** The client is built at the first check, so building the vendors costs nothing until then. */
export function textractDocumentVerifier(options: {
  bucket: string;
  client?: TextractClient;
  now?: () => Date;
}): DocumentVerifier {
  let client = options.client;
  const now = options.now ?? (() => new Date());
  return {
    async check({ front, back }) {
      client ??= new TextractClient({});
      const pages = back ? [front, back] : [front];
      let response: AnalyzeIDResponse;
      try {
        response = await client.send(
          new AnalyzeIDCommand({
            DocumentPages: pages.map((page) => ({ S3Object: { Bucket: options.bucket, Name: page.key } })),
          }),
        );
      } catch (error) {
        if (error instanceof Error && UNREADABLE_ERRORS.has(error.name))
          return { kind: 'unreadable', part: 'front', problem: 'not-an-image' };
        throw error;
      }
      return documentResultOfAnalyzeId(response, now());
    },
  };
}

/**
 * AnalyzeID's answer as a document result. Each page comes back as one identity document in
 * page order (DocumentIndex 1 is the front or the passport page, 2 the back); a field is taken
 * from the first page that has it. Then, in order: a key field read with low confidence is a
 * blurred picture of the page it came from; a missing name, birthdate or expiry is a blurred
 * front; an expiry before today (UTC, of `now`) is not authentic; otherwise the fields.
 */
export function documentResultOfAnalyzeId(response: AnalyzeIDResponse, now: Date): DocumentResult {
  const documents = [...(response.IdentityDocuments ?? [])].sort(
    (a, b) => (a.DocumentIndex ?? 0) - (b.DocumentIndex ?? 0),
  );
  const found = (type: string): { text: string; field: IdentityDocumentField; page: number } | undefined => {
    for (const [page, document] of documents.entries()) {
      const field = document.IdentityDocumentFields?.find((f) => f.Type?.Text === type);
      const text = field?.ValueDetection?.Text?.trim();
      if (field && text) return { text, field, page };
    }
    return undefined;
  };
  const text = (type: string) => found(type)?.text.replace(/\s+/g, ' ');
  const date = (type: string) => {
    const hit = found(type);
    return hit ? dateOf(hit.field) : undefined;
  };

  for (const type of KEY_FIELDS) {
    const hit = found(type);
    if (hit && (hit.field.ValueDetection?.Confidence ?? 0) < MIN_CONFIDENCE)
      return { kind: 'unreadable', part: hit.page === 0 ? 'front' : 'back', problem: 'blur' };
  }
  const fields: ExtractedFields = withoutEmpty({
    givenName: text('FIRST_NAME'),
    familyName: text('LAST_NAME'),
    birthdate: date('DATE_OF_BIRTH'),
    street: text('ADDRESS'),
    city: text('CITY_IN_ADDRESS'),
    state: text('STATE_IN_ADDRESS')?.toUpperCase(),
    postalCode: text('ZIP_CODE_IN_ADDRESS'),
    documentNumber: text('DOCUMENT_NUMBER'),
    expiresOn: date('EXPIRATION_DATE'),
  });
  if (!fields.givenName || !fields.familyName || !fields.birthdate || !fields.expiresOn)
    return { kind: 'unreadable', part: 'front', problem: 'blur' };
  if (fields.expiresOn < now.toISOString().slice(0, 10)) return { kind: 'not-authentic' };
  return { kind: 'read', fields };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * A date field as YYYY-MM-DD: Textract's normalized value when it gives one, else the printed
 * text as US documents print it (MM/DD/YYYY, MM-DD-YYYY), as passports do (12 APR 2034), or
 * already ISO. A date that is none of these, or not a real day, is not read.
 */
export function dateOf(field: IdentityDocumentField): string | undefined {
  const normalized = field.ValueDetection?.NormalizedValue?.Value;
  const candidates = [normalized, field.ValueDetection?.Text].map((s) => s?.trim() ?? '');
  for (const candidate of candidates) {
    const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(candidate);
    if (iso) return realDate(iso[1], iso[2], iso[3]);
    const us = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(candidate);
    if (us) return realDate(us[3], us[1], us[2]);
    const passport = /^(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\s+(\d{4})$/.exec(candidate);
    if (passport) {
      const month = MONTHS.indexOf((passport[2] as string).toUpperCase()) + 1;
      if (month > 0) return realDate(passport[3], String(month), passport[1]);
    }
  }
  return undefined;
}

function realDate(year = '', month = '', day = ''): string | undefined {
  const iso = `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.valueOf()) && parsed.toISOString().startsWith(iso) ? iso : undefined;
}

function withoutEmpty(fields: Record<keyof ExtractedFields, string | undefined>): ExtractedFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v)) as ExtractedFields;
}
