/**
 * Setting up and managing second factors. The first factor is set up right after the first
 * email is confirmed; later ones, and every change, need a recent sign-in with MFA (checked by
 * the handler). Each change is in the history and mailed to every confirmed email.
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import type { TotpFactor } from '../store/factors.ts';
import * as historyStore from '../store/history.ts';
import * as store from '../store/mfa.ts';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.ts';
import { groupedKey, matchTotp, newTotpSecret, otpauthUri, qrCodeSvg } from './totp.ts';

const SETUP_MINUTES = 15;

export interface TotpSetup {
  readonly key: string;
  readonly qrSvg: string;
}

/** Shows the same key until it is used or 15 minutes pass, so a reload does not break a half-done scan. */
export async function beginTotpSetup(
  accountId: string,
  label: string,
  context: RequestContext,
  ports: Pick<Ports, 'cipher'>,
): Promise<TotpSetup> {
  const existing = await store.setupOf<{ secret: string }>(accountId, 'totp', context.now);
  const secret = existing
    ? await ports.cipher.decrypt(existing.secret, { accountId, field: 'totp-setup' })
    : newTotpSecret();
  if (!existing) {
    const expiresAt = Math.floor(context.now.getTime() / 1000) + SETUP_MINUTES * 60;
    const encrypted = await ports.cipher.encrypt(secret, { accountId, field: 'totp-setup' });
    await store.putSetup(accountId, 'totp', { secret: encrypted }, expiresAt);
  }
  return { key: groupedKey(secret), qrSvg: await qrCodeSvg(otpauthUri(secret, label)) };
}

/** The first code from the app proves the key was saved; only then does the method count. */
export async function finishTotpSetup(
  accountId: string,
  input: { code: unknown; name: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'cipher' | 'mail'>,
): Promise<{ kind: 'added'; factor: TotpFactor } | { kind: 'wrong-code' }> {
  const setup = await store.setupOf<{ secret: string }>(accountId, 'totp', context.now);
  if (!setup) throw problem({ kind: 'SetupExpired', what: 'key' });
  const secret = await ports.cipher.decrypt(setup.secret, { accountId, field: 'totp-setup' });
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  const step = await matchTotp(secret, code, context.now);
  if (step === undefined) return { kind: 'wrong-code' };
  const factor: TotpFactor = {
    factorId: newId(),
    kind: 'totp',
    name: factorName(input.name, 'Authenticator app'),
    createdAt: context.now.toISOString(),
    secret: await ports.cipher.encrypt(secret, { accountId, field: 'totp-secret' }),
    lastUsedStep: step,
  };
  if ((await store.addFactor(accountId, factor, historyEvent('mfa-added', context, factor.name))) !== 'ok') {
    throw problem({ kind: 'AccountGone' });
  }
  await store.endSetup(accountId, 'totp');
  await sendNotice(accountId, 'mfa-added', context, ports, factor.name);
  return { kind: 'added', factor };
}

export function factorName(input: unknown, fallback: string): string {
  const name = typeof input === 'string' ? input.trim().replace(/\s+/g, ' ').slice(0, 60) : '';
  return name || fallback;
}

/** A new set of 10 codes; the old set dies in the same transaction. Returned once, never stored. */
export async function createRecoveryCodes(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  const hashes = codes.map((code) => recoveryCodeHash(accountId, code.replace(/-/g, '')));
  const event = historyEvent('recovery-codes-created', context);
  if ((await store.replaceRecoveryCodes(accountId, hashes, event, newId())) === 'changed') {
    throw problem({ kind: 'RecoveryCodesChanged' });
  }
  await sendNotice(accountId, 'recovery-codes-created', context, ports);
  return codes;
}

const notOnAccount = () => problem({ kind: 'MethodNotOnAccount' });

async function factorOnAccount(accountId: string, factorId: unknown) {
  const factor = await store.factorOf(accountId, factorId);
  if (!factor) throw notOnAccount();
  return factor;
}

export async function removeFactor(
  accountId: string,
  factorId: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
) {
  const factor = await factorOnAccount(accountId, factorId);
  const outcome = await store.removeFactor(
    accountId,
    factor.factorId,
    historyEvent('mfa-removed', context, factor.name),
  );
  if (outcome === 'last-or-primary') throw problem({ kind: 'CannotRemoveMethod' });
  if (outcome === 'gone') throw notOnAccount();
  await sendNotice(accountId, 'mfa-removed', context, ports, factor.name);
}

export async function setPrimaryFactor(
  accountId: string,
  factorId: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
) {
  const factor = await factorOnAccount(accountId, factorId);
  const outcome = await store.setPrimaryFactor(
    accountId,
    factor.factorId,
    historyEvent('mfa-primary-changed', context, factor.name),
  );
  // Removed between the read and the write: nothing changed, and the member is told so.
  if (outcome === 'gone') throw notOnAccount();
  await sendNotice(accountId, 'mfa-primary-changed', context, ports, factor.name);
}

export async function renameFactor(
  accountId: string,
  factorId: unknown,
  name: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
) {
  const factor = await factorOnAccount(accountId, factorId);
  const newName = factorName(name, factor.name);
  if ((await store.renameFactor(accountId, factor.factorId, newName)) === 'gone') throw notOnAccount();
  const detail = `${factor.name} is now called ${newName}`;
  await historyStore.recordEvent(accountId, historyEvent('mfa-renamed', context, detail));
  await sendNotice(accountId, 'mfa-renamed', context, ports, detail);
}

export async function forgetAllBrowsers(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
) {
  await store.forgetDevices(accountId);
  await historyStore.recordEvent(accountId, historyEvent('browsers-forgotten', context));
  await sendNotice(accountId, 'browsers-forgotten', context, ports);
}
