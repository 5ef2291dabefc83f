/**
 * What an attacker who knows a member's email address tries first. The address is the member's
 * user name, so it is on every breached list next to the password and in every phishing kit.
 */
import { codePointLength, comparisonKey } from './normalize.ts';

/** Below this a local part ("jo", "ann") is too common a string to refuse wherever it appears. */
const MIN_CONTAINED_LENGTH = 4;
const SEPARATORS = /[._+-]/gu;
const LETTER = /\p{L}/u;

interface EmailWords {
  /** Spellings of the local part a member might reuse: as typed, without a +tag, without dots. */
  readonly localForms: readonly string[];
  /** For zxcvbn: the above, the local part's pieces and the domain's labels. */
  readonly userInputs: readonly string[];
}

export function emailWords(email: string): EmailWords {
  const address = comparisonKey(email.trim());
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1);
  const untagged = local.split('+')[0] ?? local;
  const localForms = unique([
    local,
    untagged,
    local.replace(SEPARATORS, ''),
    untagged.replace(SEPARATORS, ''),
  ]);
  const pieces = local.split(SEPARATORS);
  const labels = domain.split(/[.-]/u);
  return { localForms, userInputs: unique([...localForms, ...pieces, ...labels]) };
}

/**
 * Built from the address: it contains the whole address, or the local part (when that is long
 * enough to be distinctive), or it is the local part plus only digits and symbols
 * ("bo1234567890!").
 */
export function isBuiltFromLocalPart(password: string, email: string): boolean {
  const key = comparisonKey(password);
  const address = comparisonKey(email.trim());
  if (address.includes('@') && key.includes(address)) return true;
  return emailWords(email).localForms.some((form) => {
    if (!key.includes(form)) return false;
    return codePointLength(form) >= MIN_CONTAINED_LENGTH || !LETTER.test(key.replace(form, ''));
  });
}

const unique = (words: readonly string[]): string[] => [...new Set(words.filter((w) => w.length > 0))];
