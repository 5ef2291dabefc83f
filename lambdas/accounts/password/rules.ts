/** The numbers of the password rules, in one place for the policy, the blocklist build and the pages. */

/** NIST SP 800-63B asks for at least 8 and login.gov requires 12; Verity follows login.gov. */
export const MIN_PASSWORD_LENGTH = 12;
/** NIST asks to allow at least 64; 128 leaves room for passphrases and bounds the work per check. */
export const MAX_PASSWORD_LENGTH = 128;
/** zxcvbn 3 is "safely unguessable: moderate protection from offline slow-hash scenario" (10^10 guesses). */
export const MIN_ZXCVBN_SCORE = 3;

/** The hint under every field that takes a new password: what the rules ask, in the member's words. */
export const NEW_PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters.`;

/** The same hint on Create account, with how to make a strong one. */
export const NEW_PASSWORD_HINT_WITH_ADVICE = `${NEW_PASSWORD_HINT} A few unrelated words make a strong password that is easy to remember.`;
