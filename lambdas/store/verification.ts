/**
 * Identity verification in the accounts table (docs/data-model.md):
 *   ACCOUNT#<id> / VERIFICATION   the attempt in progress (lambdas/verification/attempt.ts)
 *   ACCOUNT#<id> / IDENTITY       the verified identity, once
 *   SSN#<ssnKey> / CLAIM          which account holds the verified identity of that SSN
 * Personal fields are ciphertexts of the field cipher before they get here.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { VerificationAttempt } from '../verification/attempt.ts';
import { documentClient, ifCondition, type TransactItem, tableName, transact } from './dynamo.ts';
import { eventPut } from './history.ts';
import { accountKey, type HistoryEvent, profileKey } from './items.ts';

const accounts = () => tableName('accounts');

export const attemptKey = (accountId: string) => ({ pk: accountKey(accountId), sk: 'VERIFICATION' });
export const identityKey = (accountId: string) => ({ pk: accountKey(accountId), sk: 'IDENTITY' });
export const ssnClaimKey = (ssnKey: string) => ({ pk: `SSN#${ssnKey}`, sk: 'CLAIM' });

/** How an identity was verified. */
export type VerificationMethod = 'self-service' | 'video';

/** The verified identity: no images, every personal field in one ciphertext. */
export interface VerifiedIdentity {
  readonly method: VerificationMethod;
  readonly level: 'IAL2';
  /** The evidence it rests on: the STRONG document and the FAIR phone account. */
  readonly evidence: readonly ('drivers-license' | 'passport' | 'phone-account')[];
  readonly verifiedAt: string;
  /** What was checked and how, without images or personal data. */
  readonly checks: {
    readonly document: 'automated' | 'agent';
    readonly face: 'automated' | 'agent';
    readonly records: 'automated' | 'agent';
    readonly phone: 'code' | 'agent';
  };
  /** The agent who approved a video verification (a workforce username, not a member's data). */
  readonly agent?: string;
  /** PersonDetails as JSON, encrypted under the field `verified-identity`. */
  readonly person: string;
  readonly ssnKey: string;
}

export async function attemptOf(accountId: string): Promise<VerificationAttempt | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: attemptKey(accountId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...attempt } = Item;
  return attempt as VerificationAttempt;
}

/** The condition a write of the attempt holds to: the revision it read, and an account still there. */
const revisionCondition = (revision: number | undefined) =>
  revision === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'revision = :read', ExpressionAttributeValues: { ':read': revision } };

/**
 * Writes the attempt if nobody wrote it since `read` (undefined: it must not exist yet), as the
 * next revision. `changed` when another request (a second tab) got there first.
 */
export async function saveAttempt(
  accountId: string,
  attempt: Omit<VerificationAttempt, 'revision'>,
  read: number | undefined,
): Promise<VerificationAttempt | 'changed'> {
  const next = { ...attempt, revision: (read ?? 0) + 1 } as VerificationAttempt;
  const failed = await transact([
    // An attempt for a deleted account would outlive it.
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: profileKey(accountId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Put: { TableName: accounts(), Item: { ...attemptKey(accountId), ...next }, ...revisionCondition(read) },
    },
  ]);
  return failed === undefined ? next : 'changed';
}

/** Starting over: the attempt is gone (its pictures are the caller's to delete). */
export async function deleteAttempt(accountId: string, read: number): Promise<boolean> {
  return (
    (await ifCondition(
      documentClient().send(
        new DeleteCommand({ TableName: accounts(), Key: attemptKey(accountId), ...revisionCondition(read) }),
      ),
    )) !== undefined
  );
}

export async function identityOf(accountId: string): Promise<VerifiedIdentity | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: identityKey(accountId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...identity } = Item;
  return identity as VerifiedIdentity;
}

/** The account that holds the verified identity of this SSN, if any. */
export async function ssnHolder(ssnKey: string): Promise<string | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: ssnClaimKey(ssnKey), ConsistentRead: true }),
  );
  return Item?.accountId as string | undefined;
}

/**
 * Verified, in one transaction: the SSN claimed for this account (no other account holds it),
 * the identity written once, the attempt ended at the revision read, the history line, and any
 * extra items (an agent's audit event). Of two accounts proving one SSN at once, exactly one
 * transaction commits.
 */
export async function recordIdentity(
  accountId: string,
  identity: VerifiedIdentity,
  attemptRevision: number,
  event: HistoryEvent,
  extra: readonly TransactItem[] = [],
  /** Verifying again (a partner wants a recent verification): the identity it replaces. */
  replacing?: Pick<VerifiedIdentity, 'verifiedAt' | 'ssnKey'>,
): Promise<'ok' | 'ssn-held' | 'already-verified' | 'changed'> {
  const failed = await transact([
    {
      Put: {
        TableName: accounts(),
        Item: { ...ssnClaimKey(identity.ssnKey), accountId, claimedAt: identity.verifiedAt },
        ConditionExpression: 'attribute_not_exists(pk) OR accountId = :me',
        ExpressionAttributeValues: { ':me': accountId },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...identityKey(accountId), ...identity },
        ...(replacing
          ? {
              ConditionExpression: 'verifiedAt = :replaced',
              ExpressionAttributeValues: { ':replaced': replacing.verifiedAt },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    },
    {
      Delete: {
        TableName: accounts(),
        Key: attemptKey(accountId),
        ConditionExpression: 'revision = :read',
        ExpressionAttributeValues: { ':read': attemptRevision },
      },
    },
    { Put: eventPut(accountId, event) },
    // Another SSN this time (a corrected one): the old claim goes.
    ...(replacing && replacing.ssnKey !== identity.ssnKey
      ? [releaseSsnClaim(accountId, replacing.ssnKey)]
      : []),
    ...extra,
  ]);
  if (failed === undefined) return 'ok';
  return failed === 0 ? 'ssn-held' : failed === 1 ? 'already-verified' : 'changed';
}

/** Account deletion: the SSN is free again the moment the account's profile is gone. */
export const releaseSsnClaim = (accountId: string, ssnKey: string): TransactItem => ({
  Delete: {
    TableName: accounts(),
    Key: ssnClaimKey(ssnKey),
    ConditionExpression: 'attribute_not_exists(pk) OR accountId = :me',
    ExpressionAttributeValues: { ':me': accountId },
  },
});

/** An anonymous audit record (an agent's action): ids and codes, never personal data. */
export const auditPut = (at: string, id: string, record: Record<string, string>): TransactItem => ({
  Put: { TableName: accounts(), Item: { pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${id}`, at, ...record } },
});

export async function writeAudit(at: string, id: string, record: Record<string, string>): Promise<void> {
  const put = auditPut(at, id, record).Put;
  if (put) await documentClient().send(new PutCommand(put));
}
