/**
 * The OIDC provider's key set (lambdas/keys/oidc-keys.ts): one item in the partners table,
 * `{ pk: 'KEYS#oidc', sk: 'KEYS' }`, holding `version` and the whole set encrypted with the field
 * cipher. Exactly one set ever exists: the first load that finds none writes one under
 * `attribute_not_exists(pk)`, and every load that loses that race reads the winner's; a rotation
 * is written only over the version it was made from. That is how keys are made on first use,
 * on this machine as in the cloud, and how the key-rotation worker changes them.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Ports } from '../core/ports.ts';
import { newKeySet, type OidcKeySet, rotate } from '../keys/oidc-keys.ts';
import { documentClient, ifCondition, tableName } from './dynamo.ts';

export const OIDC_KEYS_KEY = { pk: 'KEYS#oidc', sk: 'KEYS' } as const;

/**
 * The encryption context of the set: the field cipher's `account` and `field`, the only context
 * keys the stack key's grant allows (lib/cloud/handler-functions.ts). `verity` is no account id
 * (those are 22 base64url characters), so no member's field shares it.
 */
export const OIDC_KEYS_CONTEXT = { accountId: 'verity', field: 'oidc-keys' } as const;

/** The stored item: nothing readable but its key and its version. */
export interface OidcKeysItem {
  readonly pk: typeof OIDC_KEYS_KEY.pk;
  readonly sk: typeof OIDC_KEYS_KEY.sk;
  readonly version: number;
  /** The field cipher's base64 message of the set as JSON, its version included. */
  readonly keys: string;
}

type CipherPorts = Pick<Ports, 'cipher'>;

const partners = () => tableName('partners');

/**
 * The key set in force, made and stored first if there is none. Of loads that all find none at
 * once, one writes its set; the others read and return that one.
 */
export async function loadOrCreateKeys(ports: CipherPorts, now: Date): Promise<OidcKeySet> {
  const stored = await readKeys(ports);
  if (stored) return stored;
  const created = newKeySet(now);
  const written = await ifCondition(
    documentClient().send(
      new PutCommand({
        TableName: partners(),
        Item: await itemOf(ports, created),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (written) return created;
  const winner = await readKeys(ports);
  if (!winner) throw new Error('Another OIDC key set was written, and then it was gone');
  return winner;
}

/**
 * Writes `next` in place of `old`, only if the stored set is still `old`'s version: true when
 * written, false when another rotation got there first (the stored set stays theirs).
 */
export async function saveRotated(ports: CipherPorts, old: OidcKeySet, next: OidcKeySet): Promise<boolean> {
  if (next.version !== old.version + 1) {
    throw new RangeError(`A rotation of version ${old.version} must be version ${old.version + 1}`);
  }
  const written = await ifCondition(
    documentClient().send(
      new PutCommand({
        TableName: partners(),
        Item: await itemOf(ports, next),
        ConditionExpression: 'version = :old',
        ExpressionAttributeValues: { ':old': old.version },
      }),
    ),
  );
  return written !== undefined;
}

export type KeyRotation =
  /** The stored set was rotated; `set` is the new one. */
  | { readonly outcome: 'rotated'; readonly set: OidcKeySet }
  /** Nothing was due; `set` is the stored one. */
  | { readonly outcome: 'unchanged'; readonly set: OidcKeySet }
  /** Another rotation wrote first (a duplicate run); `set` is the one it wrote. */
  | { readonly outcome: 'lost'; readonly set: OidcKeySet };

/**
 * One run of the key-rotation worker: load the set (making it if there is none), apply the
 * rotation rule at `now`, write the result over the version it came from. Locally nothing
 * schedules it; tests and local tooling call it with the time they want.
 */
export async function rotateKeys(ports: CipherPorts, now: Date): Promise<KeyRotation> {
  const current = await loadOrCreateKeys(ports, now);
  const next = rotate(current, now);
  if (next === current) return { outcome: 'unchanged', set: current };
  if (await saveRotated(ports, current, next)) return { outcome: 'rotated', set: next };
  return { outcome: 'lost', set: await loadOrCreateKeys(ports, now) };
}

/** The stored set, decrypted; undefined when there is none yet. A consistent read. */
async function readKeys(ports: CipherPorts): Promise<OidcKeySet | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: partners(), Key: OIDC_KEYS_KEY, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const item = Item as OidcKeysItem;
  const set = JSON.parse(await ports.cipher.decrypt(item.keys, OIDC_KEYS_CONTEXT)) as OidcKeySet;
  // The version inside the ciphertext is authenticated; the attribute is what conditions read.
  if (set.version !== item.version) {
    throw new Error(`The OIDC key item says version ${item.version}, its ciphertext ${set.version}`);
  }
  return set;
}

async function itemOf(ports: CipherPorts, set: OidcKeySet): Promise<OidcKeysItem> {
  return {
    ...OIDC_KEYS_KEY,
    version: set.version,
    keys: await ports.cipher.encrypt(JSON.stringify(set), OIDC_KEYS_CONTEXT),
  };
}
