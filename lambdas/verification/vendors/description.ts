/**
 * What the sandbox vendor (./sandbox.ts) sees in an uploaded file. Pure: bytes in, a reading out.
 *
 * - **An ordinary picture** (JPEG, PNG or HEIC/HEIF, told by its first bytes) passes every check
 *   as the fixed sample identity, SAMPLE_IDENTITY.
 * - **A sandbox description**: a small text file, JSON or YAML, that says what the vendors should
 *   find in the picture it stands for. It lets anyone walk every outcome from the browser's file
 *   picker (docs/verification-vendors.md has the table). Its keys, all optional:
 *
 *   | key | value | meaning |
 *   | --- | --- | --- |
 *   | `quality` | `blur`, `glare` or `cropped` | the picture cannot be read, for that reason |
 *   | `authentic` | `false` (`true` changes nothing) | the document is not genuine |
 *   | `portrait` | `mismatch` (`match` changes nothing) | on a document front, passport page or selfie: the selfie does not match |
 *   | `face` | `none` (`found` changes nothing) | on a selfie: no face in it |
 *   | `fields` | a mapping of ExtractedFields keys to strings | what the document check reads; only these |
 *
 *   ```yaml
 *   # a license whose holder is called Bad Example
 *   fields:
 *     givenName: Bad
 *     familyName: Example
 *     birthdate: "1990-01-31"
 *   ```
 *
 *   The YAML is a subset, parsed here so the sandbox needs no YAML package: `key: value` lines,
 *   one level of nesting (two spaces) under `fields:`, `#` comments, scalars bare or in single or
 *   double quotes, `true` and `false`. A description is read strictly: an unknown key, a value
 *   outside its list, or anything that is not a mapping is not a description, so a typo shows up
 *   as an unreadable file instead of passing quietly.
 * - **Anything else** cannot be read (`not-an-image`).
 */
import type { ExtractedFields, ImageProblem } from '../ports.ts';

export type PictureQuality = 'blur' | 'glare' | 'cropped';

/** A sandbox description, as read (see the top of this file). */
export interface SandboxDescription {
  readonly quality?: PictureQuality;
  readonly authentic?: boolean;
  readonly portrait?: 'match' | 'mismatch';
  readonly face?: 'found' | 'none';
  readonly fields?: ExtractedFields;
}

/** What the sandbox makes of one uploaded file. */
export type SandboxReading =
  | { readonly kind: 'image' }
  | { readonly kind: 'description'; readonly description: SandboxDescription }
  | { readonly kind: 'unreadable'; readonly problem: ImageProblem };

/** The identity every ordinary picture shows in the sandbox. */
export const SAMPLE_IDENTITY = {
  givenName: 'Pat',
  familyName: 'Sample',
  birthdate: '1985-04-12',
  street: '100 Main Street',
  city: 'Arlington',
  state: 'VA',
  postalCode: '22201',
  documentNumber: 'S12345678',
  expiresOn: '2034-04-12',
} as const satisfies Required<ExtractedFields>;

const FIELD_NAMES: readonly (keyof ExtractedFields)[] = [
  'givenName',
  'familyName',
  'birthdate',
  'street',
  'city',
  'state',
  'postalCode',
  'documentNumber',
  'expiresOn',
];

const QUALITIES: readonly PictureQuality[] = ['blur', 'glare', 'cropped'];

/** HEIF brands of photos (iPhones write `heic`; `mif1`/`msf1` are the generic image brands). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'mif1', 'msf1', 'hevc']);

const NOT_READABLE: SandboxReading = { kind: 'unreadable', problem: 'not-an-image' };

/** Reads one uploaded file; `undefined` (nothing uploaded) cannot be read either. */
export function readSandboxEvidence(bytes: Uint8Array | undefined): SandboxReading {
  if (!bytes || bytes.length === 0) return NOT_READABLE;
  if (isPicture(bytes)) return { kind: 'image' };
  const description = parseDescription(bytes);
  return description ? { kind: 'description', description } : NOT_READABLE;
}

/** JPEG, PNG or HEIC/HEIF by their magic bytes: what a camera or photo library hands a browser. */
export function isPicture(bytes: Uint8Array): boolean {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return true;
  if (starts(0x89, 0x50, 0x4e, 0x47)) return true;
  // ISO base media: a 4-byte box size, then `ftyp` and the major brand.
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return false;
  return HEIF_BRANDS.has(ascii(bytes, 8, 12));
}

/** The description the bytes hold, or undefined when they hold none (see the top of the file). */
export function parseDescription(bytes: Uint8Array): SandboxDescription | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const raw = trimmed.startsWith('{') ? parseJsonObject(trimmed) : parseYamlSubset(text);
  return raw === undefined ? undefined : descriptionOf(raw);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The YAML subset: top-level `key: value` lines, and `key:` alone opening a block of lines
 * indented by exactly two spaces. Returns undefined for anything outside the subset.
 */
export function parseYamlSubset(text: string): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  let block: Record<string, unknown> | undefined;
  let lines = text.split(/\r?\n/);
  if (lines[0]?.trim() === '---') lines = lines.slice(1);
  for (const line of lines) {
    const content = withoutComment(line);
    if (content === undefined) return undefined;
    if (content.trim() === '') continue;
    const indent = content.length - content.trimStart().length;
    if (content.slice(0, indent).includes('\t')) return undefined;
    const entry = keyValue(content.trim());
    if (!entry) return undefined;
    const [key, value] = entry;
    if (indent === 0) {
      if (Object.hasOwn(root, key)) return undefined;
      if (value === undefined) {
        block = {};
        root[key] = block;
      } else {
        block = undefined;
        root[key] = value;
      }
    } else if (indent === 2 && block && value !== undefined) {
      if (Object.hasOwn(block, key)) return undefined;
      block[key] = value;
    } else {
      return undefined;
    }
  }
  return Object.keys(root).length > 0 ? root : undefined;
}

/** The line without its comment; undefined when a quote is left open. */
function withoutComment(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) {
      return line.slice(0, i);
    }
  }
  return quote ? undefined : line;
}

/** `key: value` as [key, scalar], `key:` as [key, undefined]; undefined when it is neither. */
function keyValue(content: string): [string, string | boolean | undefined] | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_-]*):(?:\s+(.*))?$/.exec(content);
  if (!match) return undefined;
  const key = match[1] as string;
  const rest = match[2]?.trim() ?? '';
  if (rest === '') return [key, undefined];
  const value = scalar(rest);
  return value === undefined ? undefined : [key, value];
}

function scalar(text: string): string | boolean | undefined {
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) return undefined;
    const inner = text.slice(1, -1);
    // Inside single quotes a quote is written twice; a lone one would end the scalar early.
    if (inner.replaceAll("''", '').includes("'")) return undefined;
    return inner.replaceAll("''", "'");
  }
  // Flow collections, anchors, tags and block scalars are outside the subset.
  if (/^[[{&*!|>]/.test(text)) return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** Holds a parsed mapping to the description's keys and values; undefined if it strays. */
function descriptionOf(raw: Record<string, unknown>): SandboxDescription | undefined {
  const description: {
    quality?: PictureQuality;
    authentic?: boolean;
    portrait?: 'match' | 'mismatch';
    face?: 'found' | 'none';
    fields?: ExtractedFields;
  } = {};
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'quality':
        if (!QUALITIES.includes(value as PictureQuality)) return undefined;
        description.quality = value as PictureQuality;
        break;
      case 'authentic':
        if (typeof value !== 'boolean') return undefined;
        description.authentic = value;
        break;
      case 'portrait':
        if (value !== 'match' && value !== 'mismatch') return undefined;
        description.portrait = value;
        break;
      case 'face':
        if (value !== 'found' && value !== 'none') return undefined;
        description.face = value;
        break;
      case 'fields': {
        const fields = fieldsOf(value);
        if (!fields) return undefined;
        description.fields = fields;
        break;
      }
      default:
        return undefined;
    }
  }
  return description;
}

function fieldsOf(value: unknown): ExtractedFields | undefined {
  if (!isRecord(value)) return undefined;
  const fields: Partial<Record<keyof ExtractedFields, string>> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!FIELD_NAMES.includes(key as keyof ExtractedFields)) return undefined;
    // JSON may write a postal code as a number; everything else must be text.
    if (typeof field === 'number' && Number.isFinite(field))
      fields[key as keyof ExtractedFields] = String(field);
    else if (typeof field === 'string') fields[key as keyof ExtractedFields] = field;
    else return undefined;
  }
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}
