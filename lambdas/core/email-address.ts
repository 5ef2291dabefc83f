/**
 * Email addresses as Verity keys them. Two spellings of one mailbox must never become two
 * accounts, so every address is normalized before it is compared or stored as a key: Unicode
 * NFKC (fullwidth and compatibility forms fold to ASCII), trimmed, lower-cased, and the domain
 * converted to its ASCII (punycode) form. The address as the member typed it is kept for display.
 */

export interface EmailAddress {
  /** As typed (trimmed, NFC), for display and for the To: header. */
  readonly address: string;
  /** The key: one per mailbox. */
  readonly normalized: string;
}

export type AddressProblem = 'missing' | 'too-long' | 'invalid';

export const addressProblemMessages: Record<AddressProblem, string> = {
  missing: 'Enter your email address.',
  'too-long': 'Email addresses are at most 254 characters.',
  invalid: 'Enter an email address like name@example.com.',
};

/** RFC 5321 limits: 64 for the local part, 254 for the whole path. */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
/** RFC 5322 dot-atom, ASCII only: SES cannot deliver to internationalized local parts. */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseEmailAddress(input: unknown): EmailAddress | AddressProblem {
  if (typeof input !== 'string' || input.trim() === '') return 'missing';
  if (input.length > MAX_ADDRESS * 4) return 'too-long';
  const typed = input.trim().normalize('NFC');
  const folded = typed.normalize('NFKC').toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at < 1 || at === folded.length - 1) return 'invalid';
  const local = folded.slice(0, at);
  const domain = asciiDomain(folded.slice(at + 1));
  if (!domain || !LOCAL_PART.test(local) || local.length > MAX_LOCAL) return 'invalid';
  const normalized = `${local}@${domain}`;
  if (normalized.length > MAX_ADDRESS) return 'too-long';
  return { address: typed, normalized };
}

export const isAddressProblem = (value: EmailAddress | AddressProblem): value is AddressProblem =>
  typeof value === 'string';

function asciiDomain(domain: string): string | undefined {
  if (domain.length === 0 || /[\s/\\?#@:[\]%]/.test(domain)) return undefined;
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return undefined;
  }
  const labels = ascii.replace(/\.$/, '').split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return undefined;
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return undefined;
  return labels.join('.');
}
