/**
 * Security keys and passkeys (WebAuthn) through @simplewebauthn/server. The relying party is the
 * site itself: its host name is the RP ID and its origin the one origin a response may come
 * from, so a key registered here answers for no other site.
 *
 * Each ceremony's challenge waits in the ephemeral table for 5 minutes and is taken (deleted) by
 * the response that uses it, so a response works once even when two arrive together.
 *
 * User verification is preferred, not required: a security key without a PIN or fingerprint is
 * still a cryptographic authenticator, which after the password makes AAL2 (NIST SP 800-63B 5.1.7).
 * No attestation is asked for: any authenticator is welcome, and attestation would tell us the
 * model of the member's device.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import * as v from 'valibot';
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import { giveBack } from '../limits/counters.ts';
import type { Factor, WebAuthnFactor } from '../store/factors.ts';
import * as store from '../store/mfa.ts';
import { factorName } from './manage.ts';
import { refuseWhenLocked, takeSecondStepTry, wrongTry } from './second-step-limit.ts';

export const CEREMONY_SECONDS = 300;
const RP_NAME = 'Verity';
/** Ephemeral items (store.setupKey): one ceremony of each kind per account at a time. */
const REGISTRATION = 'webauthn';
const SIGN_IN = 'webauthn-sign-in';

export interface RelyingParty {
  /** The site's host name, without scheme or port. */
  readonly id: string;
  readonly origin: string;
}

export function relyingPartyOf(siteUrl: string): RelyingParty {
  const url = new URL(siteUrl);
  return { id: url.hostname, origin: url.origin };
}

export const webAuthnFactorsOf = (factors: readonly Factor[]): WebAuthnFactor[] =>
  factors.filter((factor): factor is WebAuthnFactor => factor.kind === 'webauthn');

const descriptorOf = (factor: WebAuthnFactor) => ({
  id: factor.credentialId,
  ...(factor.transports?.length ? { transports: [...factor.transports] } : {}),
});

const expiryFrom = (now: Date) => Math.floor(now.getTime() / 1000) + CEREMONY_SECONDS;

/**
 * @simplewebauthn/server, loaded by the first ceremony of a container: at import it builds the
 * ASN.1 schemas of every attestation format (~20 ms), which the mfa handler's other pages (codes,
 * recovery codes, the method list) never use. Still in the bundle: esbuild makes one file.
 */
const simpleWebAuthn = () => import('@simplewebauthn/server');

/* ------------------------------------------------------------------ options */

/** What navigator.credentials.create() gets: keys already on the account are excluded. */
export async function registrationOptions(input: {
  accountId: string;
  userName: string;
  rp: RelyingParty;
  existing: readonly WebAuthnFactor[];
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await simpleWebAuthn();
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: input.rp.id,
    userID: new TextEncoder().encode(input.accountId),
    userName: input.userName,
    userDisplayName: input.userName,
    timeout: CEREMONY_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: input.existing.map(descriptorOf),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** What navigator.credentials.get() gets: any of the member's keys will do. */
export async function authenticationOptions(input: {
  rp: RelyingParty;
  factors: readonly WebAuthnFactor[];
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await simpleWebAuthn();
  return generateAuthenticationOptions({
    rpID: input.rp.id,
    allowCredentials: input.factors.map(descriptorOf),
    userVerification: 'preferred',
    timeout: CEREMONY_SECONDS * 1000,
  });
}

/* ------------------------------------------------------------------ responses */

const base64url = v.pipe(v.string(), v.regex(/^[\w-]*$/));
const credentialShape = <T extends v.ObjectEntries>(response: T) =>
  v.object({
    id: base64url,
    rawId: base64url,
    type: v.literal('public-key'),
    authenticatorAttachment: v.optional(v.picklist(['platform', 'cross-platform'])),
    clientExtensionResults: v.optional(v.record(v.string(), v.unknown()), {}),
    response: v.object(response),
  });

const registrationShape = credentialShape({
  clientDataJSON: base64url,
  attestationObject: base64url,
  transports: v.optional(v.array(v.string())),
});

const authenticationShape = credentialShape({
  clientDataJSON: base64url,
  authenticatorData: base64url,
  signature: base64url,
  userHandle: v.optional(base64url),
});

/** The browser's answer, as the page's script put it in the hidden `credential` field. */
function parseCredential<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> | undefined {
  if (typeof input !== 'string') return undefined;
  try {
    const parsed = v.safeParse(schema, JSON.parse(input));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

export const parseRegistration = (input: unknown) =>
  parseCredential(registrationShape, input) as RegistrationResponseJSON | undefined;

export const parseAuthentication = (input: unknown) =>
  parseCredential(authenticationShape, input) as AuthenticationResponseJSON | undefined;

export interface NewCredential {
  readonly credentialId: string;
  /** base64url COSE public key */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports?: readonly string[];
}

/** Checks a new credential against the challenge and this site; undefined when it does not hold. */
export async function verifyNewCredential(
  response: RegistrationResponseJSON,
  challenge: string,
  rp: RelyingParty,
): Promise<NewCredential | undefined> {
  const { verifyRegistrationResponse } = await simpleWebAuthn();
  try {
    const { verified, registrationInfo } = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    if (!verified) return undefined;
    const { credential } = registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      ...(credential.transports?.length ? { transports: credential.transports } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Checks an assertion against the challenge, this site and the stored key; returns the key's new
 * signature counter, or undefined when it does not hold. A counter that does not move forward
 * while either side is non-zero is refused (WebAuthn 7.2 step 22): the key may have been cloned.
 */
export async function verifyAssertion(
  response: AuthenticationResponseJSON,
  factor: WebAuthnFactor,
  challenge: string,
  rp: RelyingParty,
): Promise<number | undefined> {
  const { verifyAuthenticationResponse } = await simpleWebAuthn();
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: factor.credentialId,
        publicKey: Buffer.from(factor.publicKey, 'base64url'),
        counter: factor.counter,
        ...(factor.transports ? { transports: [...factor.transports] } : {}),
      },
      requireUserVerification: false,
    });
    return verified ? authenticationInfo.newCounter : undefined;
  } catch {
    return undefined;
  }
}

/* ------------------------------------------------------------------ adding a key */

export async function beginWebAuthnSetup(
  accountId: string,
  userName: string,
  context: RequestContext,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = webAuthnFactorsOf(await store.factorsOf(accountId));
  const options = await registrationOptions({
    accountId,
    userName,
    rp: relyingPartyOf(context.siteUrl),
    existing,
  });
  await store.putSetup(accountId, REGISTRATION, { challenge: options.challenge }, expiryFrom(context.now));
  return options;
}

export type WebAuthnSetupResult =
  | { readonly kind: 'added'; readonly factor: WebAuthnFactor }
  | { readonly kind: 'refused'; readonly problem: string };

const refused = (problem: string): WebAuthnSetupResult => ({ kind: 'refused', problem });

export async function finishWebAuthnSetup(
  accountId: string,
  input: { credential: unknown; name: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<WebAuthnSetupResult> {
  const ceremony = await store.takeSetup<{ challenge: string }>(accountId, REGISTRATION, context.now);
  if (!ceremony) return refused('This took longer than 5 minutes. Select Add security key again.');
  const response = parseRegistration(input.credential);
  const credential =
    response && (await verifyNewCredential(response, ceremony.challenge, relyingPartyOf(context.siteUrl)));
  if (!credential) return refused('That security key could not be added. Try again.');
  const existing = webAuthnFactorsOf(await store.factorsOf(accountId));
  if (existing.some((factor) => factor.credentialId === credential.credentialId))
    return refused('That security key is already on your account.');
  const factor: WebAuthnFactor = {
    factorId: newId(),
    kind: 'webauthn',
    name: factorName(input.name, 'Security key'),
    createdAt: context.now.toISOString(),
    ...credential,
  };
  if ((await store.addFactor(accountId, factor, historyEvent('mfa-added', context, factor.name))) !== 'ok') {
    throw problem({ kind: 'AccountGone' });
  }
  await sendNotice(accountId, 'mfa-added', context, ports, factor.name);
  return { kind: 'added', factor };
}

/* ------------------------------------------------------------------ the second step */

export async function beginWebAuthnSignIn(
  accountId: string,
  context: RequestContext,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await refuseWhenLocked(accountId, context.now);
  const factors = webAuthnFactorsOf(await store.factorsOf(accountId));
  if (factors.length === 0) throw problem({ kind: 'NoSecurityKey' });
  const options = await authenticationOptions({ rp: relyingPartyOf(context.siteUrl), factors });
  await store.putSetup(accountId, SIGN_IN, { challenge: options.challenge }, expiryFrom(context.now));
  return options;
}

/**
 * Checks the assertion and records the use; a refused one counts toward the same lock as a
 * wrong code (lambdas/mfa/challenge.ts).
 */
export async function passWebAuthn(
  accountId: string,
  credentialInput: unknown,
  context: RequestContext,
): Promise<WebAuthnFactor> {
  const attempt = await takeSecondStepTry(accountId, context.now);
  const ceremony = await store.takeSetup<{ challenge: string }>(accountId, SIGN_IN, context.now);
  if (!ceremony) {
    await giveBack(attempt);
    throw problem({ kind: 'CeremonyExpired' });
  }
  const response = parseAuthentication(credentialInput);
  const factor =
    response &&
    webAuthnFactorsOf(await store.factorsOf(accountId)).find((f) => f.credentialId === response.id);
  const counter =
    factor && (await verifyAssertion(response, factor, ceremony.challenge, relyingPartyOf(context.siteUrl)));
  if (factor === undefined || counter === undefined)
    return wrongTry(attempt, accountId, context, 'KeyRefused');
  const used = await store.markFactorUsed(
    accountId,
    factor.factorId,
    context.now.toISOString(),
    undefined,
    counter,
  );
  if (used !== 'ok') return wrongTry(attempt, accountId, context, 'KeyRefused');
  await giveBack(attempt);
  return factor;
}
