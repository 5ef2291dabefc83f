/**
 * Text or voice codes to a phone (NIST SP 800-63B 5.1.3.3, out-of-band over the phone network):
 * 6 digits, valid 10 minutes, used once. Setting up a phone sends a code to it first; only the
 * code coming back proves the member holds that number, and only then does the phone count.
 *
 * The number is stored in E.164 and encrypted (field `phone`); beside it, `phoneKey` (a MAC of
 * the number under the pepper key, so a copy of the table cannot be turned back into numbers by
 * trying every number) keys the per-phone send limit, and `last4` is what pages show. Wrong codes
 * count toward the same lockout as authenticator-app codes (challenge.ts).
 */
import { createHash, randomInt } from 'node:crypto';
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import { giveBack, limits, takeAttempt } from '../limits/counters.ts';
import { epochSeconds } from '../store/dynamo.ts';
import type { PhoneFactor } from '../store/factors.ts';
import * as store from '../store/mfa.ts';
import { phoneCodeOf, putPhoneCode, usePhoneCode } from '../store/phone-codes.ts';
import { factorName } from './manage.ts';
import { refuseWhenLocked, takeSecondStepTry, wrongTry } from './second-step-limit.ts';
import { type TextChannel, TextNotSent } from './texts.ts';

export const PHONE_CODE_MINUTES = 10;
const SETUP_MINUTES = 15;
/** A reload of the sign-in page within this time shows the page without sending another code. */
const FRESH_CODE_SECONDS = 60;
const PHONE_FIELD = 'phone';
const SETUP_KIND = 'phone';
const SETUP_TARGET = 'setup';
const factorTarget = (factorId: string) => `factor#${factorId}`;

/* ------------------------------------------------------------------ rules */

const E164 = /^\+[1-9]\d{7,14}$/;
/** A 10-digit North American number: area code and exchange never start with 0 or 1. */
const US_TEN_DIGITS = /^[2-9]\d{2}[2-9]\d{6}$/;

/**
 * E.164 (`+12025550123`) from what a person types: spaces, dashes, dots and parentheses do not
 * matter, and a 10-digit US number gets its +1. Anything else is not a number we can send to.
 */
export function normalizePhoneNumber(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const compact = input.normalize('NFKC').replace(/[\s\-.()]/g, '');
  if (US_TEN_DIGITS.test(compact)) return `+1${compact}`;
  return E164.test(compact) ? compact : undefined;
}

export const lastFourOf = (e164: string): string => e164.slice(-4);

/** 6 digits from the OS's CSPRNG, leading zeros kept. */
export const newPhoneCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const isPhoneCodeFormat = (code: string): boolean => /^\d{6}$/.test(code);

/** What we send. A text puts the code first (lock screens show the start); a call reads it digit by digit, twice. */
export function phoneCodeMessage(code: string, channel: TextChannel): string {
  if (channel === 'sms') {
    return `${code} is your Verity code. It expires in ${PHONE_CODE_MINUTES} minutes. Do not share it with anyone.`;
  }
  const spoken = [...code].join(', ');
  return `Hello. Your Verity code is: ${spoken}. Again, your code is: ${spoken}. It expires in ${PHONE_CODE_MINUTES} minutes.`;
}

/** The MAC is keyed, so a table copy without the pepper key says nothing about the number. */
export async function phoneKeyOf(e164: string, ports: Pick<Ports, 'pepper'>): Promise<string> {
  const mac = await ports.pepper.mac(Buffer.from(`verity/phone-key/v1:${e164}`, 'utf8'));
  return mac.toString('base64url');
}

/**
 * A 6-digit code has a million values, so this hash is no secret against someone who reads the
 * table; it keeps codes out of backups and logs in plain text. What protects a code is its 10
 * minutes, its single use and the lockout after 10 wrong ones.
 */
const codeHash = (accountId: string, target: string, code: string) =>
  createHash('sha256').update(`${accountId}:${target}:${code}`).digest('base64url');

/* ------------------------------------------------------------------ sending */

/**
 * Within the per-phone limit, stores a new code for the target (replacing the one before) and
 * sends it. Identity verification proves a phone account with it too (target `verify-phone`).
 */
export async function sendPhoneCode(
  accountId: string,
  target: string,
  to: { phone: string; phoneKey: string; channel: TextChannel },
  context: RequestContext,
  ports: Pick<Ports, 'texts'>,
): Promise<void> {
  const send = await takeAttempt(limits.phoneCodeSends, to.phoneKey, context.now);
  if (!send.granted) {
    throw problem({
      kind: 'TooManyCodesSent',
      max: limits.phoneCodeSends.max,
      retryAfterSeconds: send.retryAfterSeconds,
    });
  }
  const code = newPhoneCode();
  await putPhoneCode(accountId, target, {
    codeHash: codeHash(accountId, target, code),
    sentAt: context.now.toISOString(),
    expiresAt: epochSeconds(context.now) + PHONE_CODE_MINUTES * 60,
  });
  try {
    await ports.texts.send(to.phone, phoneCodeMessage(code, to.channel), to.channel);
  } catch (error) {
    if (error instanceof TextNotSent) throw problem({ kind: 'TextNotSent' });
    throw error;
  }
}

/** Uses a code for the target; a malformed one is a wrong one (it counts). */
export async function checkPhoneCode(
  accountId: string,
  target: string,
  input: unknown,
  context: RequestContext,
): Promise<void> {
  const attempt = await takeSecondStepTry(accountId, context.now);
  const code = typeof input === 'string' ? input.replace(/[\s-]/g, '') : '';
  const outcome = isPhoneCodeFormat(code)
    ? await usePhoneCode(accountId, target, codeHash(accountId, target, code), context.now)
    : 'wrong';
  if (outcome === 'wrong') return wrongTry(attempt, accountId, context);
  // An expired code was right once: it is not a guess, so it does not count.
  await giveBack(attempt);
  if (outcome === 'expired') throw problem({ kind: 'CodeExpired' });
}

/* ------------------------------------------------------------------ setup */

/** The phone being set up, kept for 15 minutes in the ephemeral table. */
interface PhoneSetup {
  readonly phone: string;
  readonly phoneKey: string;
  readonly last4: string;
  readonly channel: TextChannel;
}

export type PhoneSetupProblem = { kind: 'problem'; field: 'phone' | 'channel'; message: string };

export const PHONE_NUMBER_PROBLEM =
  'Enter a phone number with its country code, like +44 20 7946 0958, or a 10-digit US number, like 202-555-0123.';

/** Number and channel in, a code out to that phone. */
export async function beginPhoneSetup(
  accountId: string,
  input: { phone: unknown; channel: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'texts' | 'pepper'>,
): Promise<{ kind: 'sent'; last4: string } | PhoneSetupProblem> {
  const phone = normalizePhoneNumber(input.phone);
  if (!phone) return { kind: 'problem', field: 'phone', message: PHONE_NUMBER_PROBLEM };
  const channel = ports.texts.channels.find((c) => c === input.channel);
  if (!channel) return { kind: 'problem', field: 'channel', message: 'Choose how we should send the code.' };
  const phoneKey = await phoneKeyOf(phone, ports);
  const factors = await store.factorsOf(accountId);
  if (factors.some((f) => f.kind === 'phone' && f.phoneKey === phoneKey)) {
    return { kind: 'problem', field: 'phone', message: 'This phone is already one of your sign-in methods.' };
  }
  const setup: PhoneSetup = {
    phone: await ports.cipher.encrypt(phone, { accountId, field: PHONE_FIELD }),
    phoneKey,
    last4: lastFourOf(phone),
    channel,
  };
  await store.putSetup(accountId, SETUP_KIND, { ...setup }, epochSeconds(context.now) + SETUP_MINUTES * 60);
  await sendPhoneCode(accountId, SETUP_TARGET, { phone, phoneKey, channel }, context, ports);
  return { kind: 'sent', last4: setup.last4 };
}

/** What the code page shows of the phone being set up, if a setup is under way. */
export async function phoneSetupOf(
  accountId: string,
  now: Date,
): Promise<{ last4: string; channel: TextChannel } | undefined> {
  const setup = await store.setupOf<PhoneSetup>(accountId, SETUP_KIND, now);
  return setup ? { last4: setup.last4, channel: setup.channel } : undefined;
}

/** Send another code: replaces the code of the setup under way. */
export async function resendSetupCode(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'texts'>,
) {
  const setup = await store.setupOf<PhoneSetup>(accountId, SETUP_KIND, context.now);
  if (!setup) throw problem({ kind: 'SetupExpired', what: 'code' });
  const phone = await ports.cipher.decrypt(setup.phone, { accountId, field: PHONE_FIELD });
  await sendPhoneCode(
    accountId,
    SETUP_TARGET,
    { phone, phoneKey: setup.phoneKey, channel: setup.channel },
    context,
    ports,
  );
}

/** The code from the phone proves the member holds it: now it is a sign-in method. */
export async function finishPhoneSetup(
  accountId: string,
  input: { code: unknown; name: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<PhoneFactor> {
  const setup = await store.setupOf<PhoneSetup>(accountId, SETUP_KIND, context.now);
  if (!setup) throw problem({ kind: 'SetupExpired', what: 'code' });
  await checkPhoneCode(accountId, SETUP_TARGET, input.code, context);
  const factor: PhoneFactor = {
    factorId: newId(),
    kind: 'phone',
    name: factorName(input.name, `Phone ending in ${setup.last4}`),
    createdAt: context.now.toISOString(),
    lastUsedAt: context.now.toISOString(),
    // Same account, same field: the setup's ciphertext is the factor's.
    phone: setup.phone,
    phoneKey: setup.phoneKey,
    last4: setup.last4,
    channel: setup.channel,
  };
  if ((await store.addFactor(accountId, factor, historyEvent('mfa-added', context, factor.name))) !== 'ok') {
    throw problem({ kind: 'AccountGone' });
  }
  await store.endSetup(accountId, SETUP_KIND);
  await sendNotice(accountId, 'mfa-added', context, ports, factor.name);
  return factor;
}

/* ------------------------------------------------------------------ sign-in */

/**
 * Sends a sign-in code to a phone factor. Showing the sign-in page sends one unless a code went
 * out within the last minute (a reload, going back); Send another code always sends one. Both
 * stay within the per-phone limit, and nothing is sent while the second step is locked.
 */
export async function sendSignInCode(
  accountId: string,
  factor: PhoneFactor,
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'texts'>,
  options: { evenIfJustSent: boolean },
): Promise<'sent' | 'just-sent'> {
  await refuseWhenLocked(accountId, context.now);
  const target = factorTarget(factor.factorId);
  if (!options.evenIfJustSent) {
    const waiting = await phoneCodeOf(accountId, target, context.now);
    const age = waiting ? context.now.getTime() - Date.parse(waiting.sentAt) : Number.POSITIVE_INFINITY;
    if (age < FRESH_CODE_SECONDS * 1000) return 'just-sent';
  }
  const phone = await ports.cipher.decrypt(factor.phone, { accountId, field: PHONE_FIELD });
  await sendPhoneCode(
    accountId,
    target,
    { phone, phoneKey: factor.phoneKey, channel: factor.channel },
    context,
    ports,
  );
  return 'sent';
}

/** Checks a sign-in code sent to this phone and uses it up. */
export async function passPhoneCode(
  accountId: string,
  factor: PhoneFactor,
  code: string,
  context: RequestContext,
): Promise<void> {
  await checkPhoneCode(accountId, factorTarget(factor.factorId), code, context);
  await store.markFactorUsed(accountId, factor.factorId, context.now.toISOString());
}
