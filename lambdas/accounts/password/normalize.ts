/**
 * One spelling per typed password. The same characters can reach us as different code points
 * (a fullwidth "ｐ" from a CJK keyboard, "é" precomposed or as "e" plus a combining accent,
 * a ligature pasted from a document), and a member who types their password on another device
 * must still get in. NFKC folds those to one form, which NIST SP 800-63B asks for; the policy
 * measures that form and the hash stores that form, so they can never disagree.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * How the blocklist and the email rule compare text: case is not what makes a password
 * distinct from a breached one ("PASSWORD1234" is cracked as quickly as "password1234").
 */
export function comparisonKey(text: string): string {
  return normalizePassword(text).toLowerCase();
}

/** Code points, not UTF-16 units: an emoji is one character to the member who typed it. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
