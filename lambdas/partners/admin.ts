/**
 * What a partner admin does: register a partner, replace its registration, remove it, read it.
 * Plain functions over the ports they are given; the rules are in registration.ts, the writes and
 * their conditions in store/partners.ts. Every change is recorded with who made it.
 *
 * `registerPartner` takes the very JSON the admin API takes, so code that seeds partners at start
 * registers them the same way.
 */
import { isId, newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import * as store from '../store/partners.ts';
import { clientSecretHash, newClientSecret } from './client-secret.ts';
import type { Partner } from './partner.ts';
import { changedFields, readRegistration, secretOnReplace } from './registration.ts';

/** A registered or replaced partner, and its new client secret when one was issued: shown once. */
export interface PartnerSaved {
  readonly partner: Partner;
  readonly clientSecret?: string;
}

/** A new secret and its hash, for a partner that authenticates with client_secret_basic. */
async function issueSecret(ports: Pick<Ports, 'pepper'>) {
  const clientSecret = newClientSecret();
  return { clientSecret, secretHash: await clientSecretHash(clientSecret, ports) };
}

/**
 * Registers a partner from its registration JSON (RFC 7591 metadata and the policy fields): a new
 * client id, and a client secret when it authenticates with client_secret_basic. Throws
 * `InvalidClientMetadata` with one sentence per field that breaks a rule.
 */
export async function registerPartner(
  input: unknown,
  actor: string,
  ports: Pick<Ports, 'pepper'>,
  now: Date,
): Promise<PartnerSaved> {
  const registration = readRegistration(input);
  const secret =
    registration.metadata.token_endpoint_auth_method === 'client_secret_basic'
      ? await issueSecret(ports)
      : undefined;
  const at = now.toISOString();
  const partner: Partner = {
    clientId: newId(),
    ...registration,
    ...(secret ? { secretHash: secret.secretHash } : {}),
    createdAt: at,
    updatedAt: at,
  };
  const fields = [...changedFields(undefined, registration), ...(secret ? ['client_secret'] : [])];
  const created = await store.createPartner(partner, {
    clientId: partner.clientId,
    at,
    actor,
    action: 'created',
    fields,
  });
  // 128 random bits: a taken id is a broken generator, not something to answer.
  if (created !== 'created') throw new Error('a new client id was taken');
  return secret ? { partner, clientSecret: secret.clientSecret } : { partner };
}

/**
 * Replaces a partner's metadata and policy with the registration JSON; its client id and creation
 * time stay, and so does its secret while it keeps client_secret_basic. Moving to
 * client_secret_basic issues a new secret; moving away drops it.
 */
export async function updatePartner(
  clientId: string,
  input: unknown,
  actor: string,
  ports: Pick<Ports, 'pepper'>,
  now: Date,
): Promise<PartnerSaved> {
  const registration = readRegistration(input);
  const previous = await existing(clientId);
  const change = secretOnReplace(previous, registration);
  const secret = change === 'issue' ? await issueSecret(ports) : undefined;
  const secretHash = change === 'keep' ? previous.secretHash : secret?.secretHash;
  const partner: Partner = {
    clientId,
    ...registration,
    ...(secretHash ? { secretHash } : {}),
    createdAt: previous.createdAt,
    updatedAt: now.toISOString(),
  };
  const secretChanged = change === 'issue' || (change === 'drop' && previous.secretHash !== undefined);
  const outcome = await store.replacePartner(partner, previous.revision, {
    clientId,
    at: partner.updatedAt,
    actor,
    action: 'updated',
    fields: [...changedFields(previous, registration), ...(secretChanged ? ['client_secret'] : [])],
  });
  if (outcome === 'gone') throw problem({ kind: 'PartnerNotFound' });
  if (outcome === 'changed') throw problem({ kind: 'PartnerChanged' });
  return secret ? { partner, clientSecret: secret.clientSecret } : { partner };
}

/** Removes a partner: it can no longer sign anyone in. Its audit events stay. */
export async function removePartner(clientId: string, actor: string, now: Date): Promise<void> {
  if (!isId(clientId)) throw problem({ kind: 'PartnerNotFound' });
  const outcome = await store.deletePartner(clientId, {
    clientId,
    at: now.toISOString(),
    actor,
    action: 'deleted',
    fields: [],
  });
  if (outcome === 'gone') throw problem({ kind: 'PartnerNotFound' });
  if (outcome === 'changed') throw problem({ kind: 'PartnerChanged' });
}

/** The partner with this client id; `PartnerNotFound` if there is none. */
export async function partnerOf(clientId: string): Promise<Partner> {
  return existing(clientId);
}

/** Every partner, oldest first, without secret hashes. */
export async function allPartners(): Promise<Omit<Partner, 'secretHash'>[]> {
  const partners = await store.listPartners();
  return partners.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId),
  );
}

async function existing(clientId: string): Promise<store.StoredPartner> {
  // Only an id Verity could have made reaches a key.
  const partner = isId(clientId) ? await store.partnerById(clientId) : undefined;
  if (!partner) throw problem({ kind: 'PartnerNotFound' });
  return partner;
}
