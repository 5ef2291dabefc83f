/**
 * Request bodies: decoded from API Gateway's (possibly base64) body, held to a size limit, parsed
 * by content type, then checked against the handler's schema. Every failure is a 4xx that says
 * what to send instead.
 */
import * as v from 'valibot';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './errors.ts';

export type BodyKind = 'form' | 'json';

const MEDIA_TYPES: Record<BodyKind, readonly string[]> = {
  form: ['application/x-www-form-urlencoded'],
  // Browsers send CSP reports as application/csp-report or application/reports+json.
  json: ['application/json', 'application/csp-report', 'application/reports+json'],
};

export interface BodySpec<T> {
  readonly kinds: readonly BodyKind[];
  readonly schema: v.GenericSchema<unknown, T>;
  /** Largest body accepted, in bytes. Forms and partner JSON are small. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

interface RawBody {
  readonly body?: string | undefined;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string | undefined>;
}

export function parseBody<T>(event: RawBody, spec: BodySpec<T>): T {
  const maxBytes = spec.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bytes = decodeBody(event, maxBytes);
  const kind = bodyKind(event.headers?.['content-type'], spec.kinds);
  const parsed = kind === 'form' ? parseForm(bytes) : parseJson(bytes);
  return validate(spec.schema, parsed);
}

function decodeBody(event: RawBody, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  // A base64 string is 4/3 the size of its bytes: refuse before decoding a huge one.
  if (raw.length > Math.ceil((maxBytes * 4) / 3) + 4) throw payloadTooLarge(maxBytes);
  const bytes = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > maxBytes) throw payloadTooLarge(maxBytes);
  return bytes;
}

function bodyKind(contentType: string | undefined, accepted: readonly BodyKind[]): BodyKind {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const kind = accepted.find((k) => MEDIA_TYPES[k].includes(mediaType));
  if (!kind) throw unsupportedMediaType(accepted.map((k) => MEDIA_TYPES[k][0] as string));
  return kind;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The request body is not valid UTF-8 text.');
  }
}

function parseForm(bytes: Buffer): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(decodeUtf8(bytes))) {
    if (name in fields) throw badRequest(`The form sent the field "${name.slice(0, 40)}" more than once.`);
    fields[name] = value;
  }
  return fields;
}

function parseJson(bytes: Buffer): unknown {
  const text = decodeUtf8(bytes);
  if (text.trim() === '') throw badRequest('The request body is empty; send a JSON document.');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}

export function validate<T>(schema: v.GenericSchema<unknown, T>, input: unknown): T {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const details = result.issues.slice(0, 10).map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: issue.message,
  }));
  const first = details[0];
  throw badRequest(
    first
      ? `Check ${first.path ? `"${first.path}"` : 'the request'}: ${first.message}`
      : 'Check the request.',
    details,
  );
}
