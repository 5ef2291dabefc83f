/**
 * The DynamoDB adapter of oidc-provider: every model it stores (sessions, interactions, codes,
 * tokens, grants, replay detections) as one item in the ephemeral table, with `expiresAt` checked
 * on every read (TTL deletes late). Clients are not stored here: they come from the partners
 * table through `clients`, so an edit through the admin API applies at once.
 *
 * The traps this avoids (docs/decisions.md, "The OIDC provider"):
 * - `consume` is one conditional write, so of two redemptions of one code exactly one wins; the
 *   loser gets `invalid_grant` and the grant behind the code is revoked (a replay).
 * - Reads that follow a write at once are key lookups with strong consistency: a session by its
 *   uid is read through a copy of it kept under the uid, never through an index.
 * - `revokeByGrantId` deletes the grant itself, which every token use reads, so a token written
 *   a moment ago and not yet in the grantId index dies with it; codes and tokens found through
 *   the index go too. Interactions are never in that index, so an interaction in progress lives on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, tableName, transact } from './dynamo.ts';

/** What oidc-provider stores: a plain JSON object. */
export type ModelPayload = Record<string, unknown> & { grantId?: string; uid?: string; consumed?: unknown };

/** oidc-provider's adapter contract (its docs: "adapter"). */
export interface OidcAdapter {
  upsert(id: string, payload: ModelPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<ModelPayload | undefined>;
  findByUid(uid: string): Promise<ModelPayload | undefined>;
  findByUserCode(userCode: string): Promise<ModelPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Models whose items carry their grant's id, indexed so that a grant's revocation finds them. */
const GRANT_MEMBERS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken']);
/** Models that can be consumed (used once). */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken']);

/**
 * The time of the request being served: the gateway's clock (API Gateway's `timeEpoch`), which
 * tests can move forward; outside a request, the process clock.
 */
export const requestClock = new AsyncLocalStorage<number>();
const nowMs = () => requestClock.getStore() ?? Date.now();

const key = (model: string, id: string) => ({ pk: `OIDC#${model}#${id}`, sk: 'OIDC' });
const uidKey = (uid: string) => ({ pk: `OIDC#SessionUid#${uid}`, sk: 'OIDC' });

/**
 * DynamoDB refuses a partition key over 2048 bytes (a ValidationException). The provider's ids
 * are short; a longer one is a client's garbage (a 5 KB "code" or bearer token) and names nothing.
 */
const MAX_KEY_BYTES = 2048;
const fits = ({ pk }: { pk: string }) => Buffer.byteLength(pk, 'utf8') <= MAX_KEY_BYTES;
const ephemeral = () => tableName('ephemeral');

interface StoredModel {
  readonly payload: ModelPayload;
  readonly expiresAt?: number;
  readonly consumed?: number;
}

function live(item: Record<string, unknown> | undefined): ModelPayload | undefined {
  if (!item) return undefined;
  const stored = item as unknown as StoredModel;
  if (stored.expiresAt !== undefined && stored.expiresAt <= epochSeconds(new Date(nowMs()))) return undefined;
  return stored.consumed === undefined ? stored.payload : { ...stored.payload, consumed: stored.consumed };
}

export interface AdapterOptions {
  /**
   * The error for the loser of a race to consume a code or refresh token (the provider's
   * `invalid_grant`); the grant behind it is revoked first, as for any replay.
   */
  readonly replayed: (model: string) => Error;
}

export class DynamoDbOidcAdapter implements OidcAdapter {
  constructor(
    private readonly model: string,
    private readonly options: AdapterOptions,
  ) {}

  async upsert(id: string, payload: ModelPayload, expiresIn?: number): Promise<void> {
    const expiresAt =
      typeof expiresIn === 'number' ? epochSeconds(new Date(nowMs())) + Math.ceil(expiresIn) : undefined;
    const item = {
      ...key(this.model, id),
      payload,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(GRANT_MEMBERS.has(this.model) && payload.grantId ? { grantId: payload.grantId } : {}),
    };
    if (this.model === 'Session' && typeof payload.uid === 'string') {
      // The copy under the uid is what findByUid reads: a key lookup, strongly consistent.
      await transact([
        { Put: { TableName: ephemeral(), Item: item } },
        { Put: { TableName: ephemeral(), Item: { ...item, ...uidKey(payload.uid), sessionId: id } } },
      ]);
      return;
    }
    await documentClient().send(new PutCommand({ TableName: ephemeral(), Item: item }));
  }

  async find(id: string): Promise<ModelPayload | undefined> {
    if (!fits(key(this.model, id))) return undefined;
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: ephemeral(), Key: key(this.model, id), ConsistentRead: true }),
    );
    return live(Item);
  }

  async findByUid(uid: string): Promise<ModelPayload | undefined> {
    if (!fits(uidKey(uid))) return undefined;
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: ephemeral(), Key: uidKey(uid), ConsistentRead: true }),
    );
    return live(Item);
  }

  /** The device flow is not offered. */
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    if (!CONSUMABLE.has(this.model)) throw new Error(`${this.model} cannot be consumed`);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: ephemeral(),
          Key: key(this.model, id),
          UpdateExpression: 'SET #consumed = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#consumed)',
          ExpressionAttributeNames: { '#consumed': 'consumed' },
          ExpressionAttributeValues: { ':now': epochSeconds(new Date(nowMs())) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        // The error's Item is DynamoDB's own JSON (`{ S: '...' }`): lib-dynamodb does not translate
        // errors. Read as a plain string, it sent an object into the index query (a ValidationException).
        const stored = (error as { Item?: { grantId?: { S?: string } | string } }).Item?.grantId;
        const grantId = typeof stored === 'string' ? stored : stored?.S;
        if (grantId) await revokeGrant(grantId);
        throw this.options.replayed(this.model);
      }
      throw error;
    }
  }

  async destroy(id: string): Promise<void> {
    if (!fits(key(this.model, id))) return;
    if (this.model === 'Session') {
      const { Attributes } = await documentClient().send(
        new DeleteCommand({ TableName: ephemeral(), Key: key(this.model, id), ReturnValues: 'ALL_OLD' }),
      );
      const uid = (Attributes as StoredModel | undefined)?.payload.uid;
      if (typeof uid === 'string') {
        await documentClient().send(new DeleteCommand({ TableName: ephemeral(), Key: uidKey(uid) }));
      }
      return;
    }
    await documentClient().send(new DeleteCommand({ TableName: ephemeral(), Key: key(this.model, id) }));
  }

  /** This model's codes or tokens of the grant; the provider destroys the Grant itself when its policy says so. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await deleteGrantMembers(grantId, `OIDC#${this.model}#`);
  }
}

/**
 * Ends a grant: the Grant item first (every use of a code or token reads it, so nothing of the
 * grant works from here on, even a token too new for the index), then its codes and tokens.
 */
export async function revokeGrant(grantId: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: ephemeral(), Key: key('Grant', grantId) }));
  await deleteGrantMembers(grantId, 'OIDC#');
}

async function deleteGrantMembers(grantId: string, prefix: string): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: ephemeral(),
        IndexName: 'grantId',
        KeyConditionExpression: 'grantId = :grant',
        ExpressionAttributeValues: { ':grant': grantId },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    const keys = (page.Items ?? [])
      .map((item) => ({ pk: item.pk as string, sk: item.sk as string }))
      .filter((k) => k.pk.startsWith(prefix));
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: k } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [ephemeral()]: requests } }),
        );
        requests = (UnprocessedItems?.[ephemeral()] ?? []) as typeof requests;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Ends the provider's session with this id (Verity's Sign out). */
export async function endProviderSession(sessionId: string): Promise<void> {
  await new DynamoDbOidcAdapter('Session', {
    replayed: () => new Error('sessions are not consumed'),
  }).destroy(sessionId);
}
