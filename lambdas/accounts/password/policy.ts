/**
 * Whether a member may choose a password: NIST SP 800-63B as login.gov applies it. Length in
 * characters, a strength estimate, a list of breached passwords and the member's own email
 * address; no rules about which kinds of characters to mix, no expiry. Used when an account is
 * created and whenever a password is changed or reset; never at sign-in.
 */
import { isBreachedPassword } from './blocklist.ts';
import { emailWords, isBuiltFromLocalPart } from './email-words.ts';
import { codePointLength, normalizePassword } from './normalize.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_ZXCVBN_SCORE } from './rules.ts';
import { strengthScore } from './strength.ts';

export { normalizePassword } from './normalize.ts';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './rules.ts';

export type PasswordProblem = 'too-short' | 'too-long' | 'based-on-email' | 'breached' | 'too-guessable';

/** One sentence each, saying what to do; the pages show them as they are. */
export const passwordProblemMessages: Record<PasswordProblem, string> = {
  'too-short': `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
  'too-long': `Use ${MAX_PASSWORD_LENGTH} characters or fewer.`,
  'based-on-email': 'Avoid using your email address in your password.',
  breached: 'This password appears in lists of breached passwords. Choose another.',
  'too-guessable': 'This password is easy to guess. Try a longer phrase of words that do not go together.',
};

export interface NewPasswordContext {
  /** The address the account is created with, or the member's primary email. */
  readonly email: string;
}

/**
 * Every problem with the password, in the order a member should fix them; empty when it is
 * acceptable. The strength estimate is only reported when nothing more specific is wrong:
 * "easy to guess" says less than "breached" or "uses your email", and a short password is
 * always easy to guess.
 */
export async function checkNewPassword(
  password: string,
  context: NewPasswordContext,
): Promise<PasswordProblem[]> {
  const normalized = normalizePassword(password);
  const length = codePointLength(normalized);
  // Nothing this long is accepted, so it is not worth the estimator's time (which grows with length).
  if (length > MAX_PASSWORD_LENGTH) return ['too-long'];

  const problems: PasswordProblem[] = [];
  if (length < MIN_PASSWORD_LENGTH) problems.push('too-short');
  if (isBuiltFromLocalPart(normalized, context.email)) problems.push('based-on-email');
  if (await isBreachedPassword(normalized)) problems.push('breached');
  if (problems.length === 0) {
    const score = await strengthScore(normalized, emailWords(context.email).userInputs);
    if (score < MIN_ZXCVBN_SCORE) problems.push('too-guessable');
  }
  return problems;
}
