/**
 * DynamoDB operations on members' data. Every invariant is a condition of the write that could
 * break it, never a read before it: a confirmed email belongs to one account (the claim item),
 * an account keeps exactly one confirmed primary email and at least one confirmed email, a
 * link or code works once (its token item is deleted in the same transaction).
 */
import { randomBytes } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PasswordHash } from '../accounts/password/hash.ts';
import {
  documentClient,
  epochSeconds,
  ifCondition,
  type TransactItem,
  tableName,
  transact,
} from './dynamo.ts';
import {
  accountKey,
  claimKey,
  type EmailItem,
  emailKey,
  eventItem,
  type HistoryEvent,
  type PendingSignUp,
  type Profile,
  profileKey,
  type SessionItem,
  sessionKey,
  signUpKey,
  type TokenItem,
  tokenKey,
} from './items.ts';

const accounts = () => tableName('accounts');
const ephemeral = () => tableName('ephemeral');
const unique = () => randomBytes(4).toString('hex');

/** Runs a transaction; on a failed condition returns the index of the first item that failed. */

const putEvent = (accountId: string, event: HistoryEvent): TransactItem => ({
  Put: { TableName: accounts(), Item: eventItem(accountId, event, unique()) },
});

const consumeToken = (hash: string): TransactItem => ({
  Delete: { TableName: ephemeral(), Key: tokenKey(hash), ConditionExpression: 'attribute_exists(pk)' },
});

/* ------------------------------------------------------------------ reads */

export async function claimOf(normalized: string): Promise<string | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: claimKey(normalized) }),
  );
  return Item?.accountId as string | undefined;
}

export async function profileOf(accountId: string): Promise<Profile | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: accounts(), Key: profileKey(accountId), ConsistentRead: true }),
  );
  return Item as Profile | undefined;
}

export async function emailsOf(accountId: string): Promise<EmailItem[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accounts(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': 'EMAIL#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as EmailItem[];
}

export async function historyOf(accountId: string, limit = 50): Promise<HistoryEvent[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accounts(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': accountKey(accountId), ':prefix': 'EVENT#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (Items ?? []) as HistoryEvent[];
}

/** A token that exists and has not expired (TTL deletes late, so expiry is checked here). */
export async function liveToken(hash: string, now: Date): Promise<TokenItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: tokenKey(hash), ConsistentRead: true }),
  );
  const token = Item as TokenItem | undefined;
  return token && token.expiresAt > epochSeconds(now) ? token : undefined;
}

export async function putToken(hash: string, token: TokenItem): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: ephemeral(), Item: { ...tokenKey(hash), ...token } }),
  );
}

/**
 * A password reset link for the account that holds this address now: written only if the
 * address's claim still names that account. With no account (`accountId` undefined) the same
 * transaction is sent and its condition cancels it, so that an address without an account costs
 * what one with an account does and writes nothing.
 */
export async function issueResetToken(
  normalized: string,
  accountId: string | undefined,
  hash: string,
  token: TokenItem,
): Promise<'issued' | 'no-account'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: claimKey(normalized),
        ConditionExpression: 'accountId = :accountId',
        // Account ids are base64url: with no account, a value no claim can hold.
        ExpressionAttributeValues: { ':accountId': accountId ?? '(no account)' },
      },
    },
    { Put: { TableName: ephemeral(), Item: { ...tokenKey(hash), ...token } } },
  ]);
  return failed === undefined ? 'issued' : 'no-account';
}

/* ------------------------------------------------------------------ sign-up */

/**
 * A pending sign-up and its link, unless the address already belongs to an account: the claim's
 * condition decides, in the same transaction, so that Create account does the same work for an
 * address that has an account as for one that has not (and writes nothing for the first).
 */
export async function createPendingSignUp(
  pending: PendingSignUp,
  token: TokenItem,
): Promise<'created' | 'address-taken'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: claimKey(pending.normalized),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: ephemeral(),
        Item: { ...signUpKey(pending.normalized, pending.signUpId), ...pending },
      },
    },
    { Put: { TableName: ephemeral(), Item: { ...tokenKey(pending.tokenHash), ...token } } },
  ]);
  return failed === undefined ? 'created' : 'address-taken';
}

export async function pendingSignUp(normalized: string, signUpId: string, now: Date) {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: signUpKey(normalized, signUpId), ConsistentRead: true }),
  );
  const pending = Item as PendingSignUp | undefined;
  return pending && pending.expiresAt > epochSeconds(now) ? pending : undefined;
}

export async function pendingSignUpsOf(normalized: string, now: Date): Promise<PendingSignUp[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: ephemeral(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': `SIGNUP#${normalized}`, ':now': epochSeconds(now) },
      Limit: 10,
    }),
  );
  return (Items ?? []) as PendingSignUp[];
}

/** A fresh link for a pending sign-up: the old one stops working because its hash is replaced. */
export async function replaceSignUpToken(
  pending: PendingSignUp,
  newHash: string,
  token: TokenItem,
): Promise<'ok' | 'gone'> {
  const failed = await transact([
    {
      Update: {
        TableName: ephemeral(),
        Key: signUpKey(pending.normalized, pending.signUpId),
        UpdateExpression: 'SET tokenHash = :new, expiresAt = :expires',
        ConditionExpression: 'tokenHash = :old',
        ExpressionAttributeValues: {
          ':new': newHash,
          ':old': pending.tokenHash,
          ':expires': token.expiresAt,
        },
      },
    },
    { Put: { TableName: ephemeral(), Item: { ...tokenKey(newHash), ...token } } },
  ]);
  return failed === undefined ? 'ok' : 'gone';
}

/**
 * The sign-up's link was used with the right password: the account comes to exist with its
 * first confirmed email as the primary, in one transaction. Of many sign-ups racing for one
 * address, the claim's condition lets exactly one through.
 */
export async function createAccount(input: {
  pending: PendingSignUp;
  tokenHash: string;
  accountId: string;
  work: boolean;
  now: Date;
  event: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'email-taken'> {
  const { pending, accountId, now } = input;
  const at = now.toISOString();
  const profile: Profile = {
    accountId,
    createdAt: at,
    password: pending.password,
    primaryEmail: pending.normalized,
    emailCount: 1,
    confirmedEmailCount: 1,
    failedSignIns: 0,
    passwordChangedAt: at,
  };
  const email: EmailItem = {
    address: pending.address,
    normalized: pending.normalized,
    confirmed: true,
    work: input.work,
    addedAt: pending.createdAt,
    confirmedAt: at,
  };
  const failed = await transact([
    consumeToken(input.tokenHash),
    {
      Delete: {
        TableName: ephemeral(),
        Key: signUpKey(pending.normalized, pending.signUpId),
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':hash': input.tokenHash },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...claimKey(pending.normalized), accountId, claimedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...profileKey(accountId), ...profile },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: accounts(), Item: { ...emailKey(accountId, pending.normalized), ...email } } },
    putEvent(accountId, input.event),
  ]);
  if (failed === undefined) return 'ok';
  return failed === 2 ? 'email-taken' : 'link-used';
}

export async function recordEvent(accountId: string, event: HistoryEvent): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: accounts(), Item: eventItem(accountId, event, unique()) }),
  );
}

/* ------------------------------------------------------------------ sessions and sign-in */

export async function signIn(input: {
  session: SessionItem;
  event: HistoryEvent;
  clearFailures: boolean;
}): Promise<void> {
  const { session } = input;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: ephemeral(),
        Item: { ...sessionKey(session.accountId, session.keyHash), ...session },
      },
    },
    putEvent(session.accountId, input.event),
  ];
  if (input.clearFailures) {
    items.push({
      Update: {
        TableName: accounts(),
        Key: profileKey(session.accountId),
        UpdateExpression: 'SET failedSignIns = :zero',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': 0 },
      },
    });
  }
  const failed = await transact(items);
  if (failed !== undefined) throw new Error('account vanished during sign-in');
}

/** Counts a wrong password against the account; returns the consecutive count. */
export async function recordFailedSignIn(accountId: string, event: HistoryEvent): Promise<number> {
  const [result] = await Promise.all([
    documentClient().send(
      new UpdateCommand({
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'ADD failedSignIns :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
    documentClient().send(
      new PutCommand({ TableName: accounts(), Item: eventItem(accountId, event, unique()) }),
    ),
  ]);
  return Number(result.Attributes?.failedSignIns ?? 0);
}

export async function sessionOf(
  accountId: string,
  keyHash: string,
  now: Date,
): Promise<SessionItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: ephemeral(), Key: sessionKey(accountId, keyHash), ConsistentRead: true }),
  );
  const session = Item as SessionItem | undefined;
  return session && session.expiresAt > epochSeconds(now) ? session : undefined;
}

/** Extends the idle timer of a session that still exists. */
export async function renewSession(
  session: Pick<SessionItem, 'accountId' | 'keyHash'>,
  renewal: Pick<SessionItem, 'lastSeenAt' | 'expiresAt'>,
): Promise<void> {
  // Signed out (or every session ended) while this request ran: nothing to extend.
  await ifCondition(
    documentClient().send(
      new UpdateCommand({
        TableName: ephemeral(),
        Key: sessionKey(session.accountId, session.keyHash),
        UpdateExpression: 'SET lastSeenAt = :seen, expiresAt = :expires',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':seen': renewal.lastSeenAt, ':expires': renewal.expiresAt },
      }),
    ),
  );
}

/** The second step is done: AAL2, and a fresh sign-in time for sensitive actions. */
export async function elevateSession(
  session: Pick<SessionItem, 'accountId' | 'keyHash'>,
  at: string,
  /** Written in the same request: the history line that the second step was passed. */
  event?: HistoryEvent,
): Promise<void> {
  const elevate: TransactItem = {
    Update: {
      TableName: ephemeral(),
      Key: sessionKey(session.accountId, session.keyHash),
      UpdateExpression: 'SET aal = :two, signedInAt = :at REMOVE pendingMfa, viaRememberedBrowser',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':two': 2, ':at': at },
    },
  };
  const failed = await transact(event ? [elevate, putEvent(session.accountId, event)] : [elevate]);
  if (failed !== undefined) throw new Error('the session ended during the second step');
}

/** Back to AAL1 for a new second step: entering the password again for a sensitive action. */
export async function lowerSession(session: Pick<SessionItem, 'accountId' | 'keyHash'>): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ephemeral(),
      Key: sessionKey(session.accountId, session.keyHash),
      UpdateExpression: 'SET aal = :one, pendingMfa = :challenge',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1, ':challenge': 'challenge' },
    }),
  );
}

export async function endSession(accountId: string, keyHash: string): Promise<void> {
  await documentClient().send(
    new DeleteCommand({ TableName: ephemeral(), Key: sessionKey(accountId, keyHash) }),
  );
}

export async function endAllSessions(accountId: string): Promise<void> {
  await deleteAll(ephemeral(), `SESSIONS#${accountId}`);
}

/* ------------------------------------------------------------------ emails */

export async function addEmail(input: {
  accountId: string;
  email: EmailItem;
  tokenHash: string;
  token: TokenItem;
  maxEmails: number;
}): Promise<'ok' | 'limit' | 'already-added'> {
  const failed = await transact([
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(input.accountId),
        UpdateExpression: 'ADD emailCount :one',
        ConditionExpression: 'attribute_exists(pk) AND emailCount < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': input.maxEmails },
      },
    },
    {
      Put: {
        TableName: accounts(),
        Item: { ...emailKey(input.accountId, input.email.normalized), ...input.email },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: ephemeral(), Item: { ...tokenKey(input.tokenHash), ...input.token } } },
  ]);
  if (failed === undefined) return 'ok';
  return failed === 0 ? 'limit' : 'already-added';
}

/** Replaces the link of an unconfirmed email; the old link stops working. */
export async function replaceEmailToken(
  accountId: string,
  normalized: string,
  newHash: string,
  token: TokenItem,
): Promise<'ok' | 'not-pending'> {
  const failed = await transact([
    {
      Update: {
        TableName: accounts(),
        Key: emailKey(accountId, normalized),
        UpdateExpression: 'SET tokenHash = :hash',
        ConditionExpression: 'attribute_exists(pk) AND confirmed = :no',
        ExpressionAttributeValues: { ':hash': newHash, ':no': false },
      },
    },
    { Put: { TableName: ephemeral(), Item: { ...tokenKey(newHash), ...token } } },
  ]);
  return failed === undefined ? 'ok' : 'not-pending';
}

const confirmPendingEmail = (
  accountId: string,
  normalized: string,
  tokenHash: string,
  at: string,
): TransactItem => ({
  Update: {
    TableName: accounts(),
    Key: emailKey(accountId, normalized),
    UpdateExpression: 'SET confirmed = :yes, confirmedAt = :at REMOVE tokenHash, awaitingMove',
    ConditionExpression: 'tokenHash = :hash AND confirmed = :no',
    ExpressionAttributeValues: { ':yes': true, ':no': false, ':at': at, ':hash': tokenHash },
  },
});

const countConfirmed = (accountId: string, delta: number): TransactItem => ({
  Update: {
    TableName: accounts(),
    Key: profileKey(accountId),
    UpdateExpression: 'ADD confirmedEmailCount :delta',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':delta': delta },
  },
});

export async function confirmEmail(input: {
  accountId: string;
  normalized: string;
  tokenHash: string;
  now: Date;
  event: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'email-taken'> {
  const at = input.now.toISOString();
  const failed = await transact([
    consumeToken(input.tokenHash),
    confirmPendingEmail(input.accountId, input.normalized, input.tokenHash, at),
    {
      Put: {
        TableName: accounts(),
        Item: { ...claimKey(input.normalized), accountId: input.accountId, claimedAt: at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    countConfirmed(input.accountId, 1),
    putEvent(input.accountId, input.event),
  ]);
  if (failed === undefined) return 'ok';
  return failed === 2 ? 'email-taken' : 'link-used';
}

export async function setPrimaryEmail(
  accountId: string,
  normalized: string,
  event: HistoryEvent,
): Promise<'ok' | 'not-confirmed'> {
  const failed = await transact([
    {
      ConditionCheck: {
        TableName: accounts(),
        Key: emailKey(accountId, normalized),
        ConditionExpression: 'confirmed = :yes',
        ExpressionAttributeValues: { ':yes': true },
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: 'SET primaryEmail = :email',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':email': normalized },
      },
    },
    putEvent(accountId, event),
  ]);
  return failed === undefined ? 'ok' : 'not-confirmed';
}

/** Never the primary, never the last confirmed email: both are conditions on the profile. */
export async function removeEmail(
  accountId: string,
  email: EmailItem,
  event: HistoryEvent,
): Promise<'ok' | 'primary-or-last' | 'gone'> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: accounts(),
        Key: emailKey(accountId, email.normalized),
        ConditionExpression: 'confirmed = :confirmed',
        ExpressionAttributeValues: { ':confirmed': email.confirmed },
      },
    },
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(accountId),
        UpdateExpression: email.confirmed
          ? 'ADD emailCount :minus, confirmedEmailCount :minus'
          : 'ADD emailCount :minus',
        ConditionExpression: email.confirmed
          ? 'primaryEmail <> :email AND confirmedEmailCount > :one'
          : 'primaryEmail <> :email',
        ExpressionAttributeValues: {
          ':minus': -1,
          ':email': email.normalized,
          ...(email.confirmed ? { ':one': 1 } : {}),
        },
      },
    },
    putEvent(accountId, event),
  ];
  if (email.confirmed) {
    items.push({
      Delete: {
        TableName: accounts(),
        Key: claimKey(email.normalized),
        ConditionExpression: 'accountId = :me',
        ExpressionAttributeValues: { ':me': accountId },
      },
    });
  }
  const failed = await transact(items);
  if (failed === undefined) return 'ok';
  return failed === 1 ? 'primary-or-last' : 'gone';
}

/**
 * The holder of an address releases it to the account that asked for it: the claim changes
 * hands, the holder's email goes, the requester's becomes confirmed, all at once. When it was
 * the holder's only confirmed email, the holder's account is deleted in the same transaction
 * (its leftover items are swept right after).
 */
export async function moveEmail(input: {
  normalized: string;
  tokenHash: string;
  holderAccountId: string;
  requesterAccountId: string;
  deleteHolder: boolean;
  now: Date;
  requesterEvent: HistoryEvent;
  holderEvent: HistoryEvent;
}): Promise<'ok' | 'link-used' | 'holder-changed' | 'requester-changed'> {
  const { normalized, holderAccountId, requesterAccountId } = input;
  const at = input.now.toISOString();
  const holderProfile: TransactItem = input.deleteHolder
    ? {
        Delete: {
          TableName: accounts(),
          Key: profileKey(holderAccountId),
          ConditionExpression: 'confirmedEmailCount = :one AND primaryEmail = :email',
          ExpressionAttributeValues: { ':one': 1, ':email': normalized },
        },
      }
    : {
        Update: {
          TableName: accounts(),
          Key: profileKey(holderAccountId),
          UpdateExpression: 'ADD emailCount :minus, confirmedEmailCount :minus',
          ConditionExpression: 'primaryEmail <> :email AND confirmedEmailCount > :one',
          ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':email': normalized },
        },
      };
  const failed = await transact([
    consumeToken(input.tokenHash),
    {
      Update: {
        TableName: accounts(),
        Key: claimKey(normalized),
        UpdateExpression: 'SET accountId = :to, claimedAt = :at',
        ConditionExpression: 'accountId = :from',
        ExpressionAttributeValues: { ':to': requesterAccountId, ':from': holderAccountId, ':at': at },
      },
    },
    {
      Delete: {
        TableName: accounts(),
        Key: emailKey(holderAccountId, normalized),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    holderProfile,
    confirmPendingEmail(requesterAccountId, normalized, input.tokenHash, at),
    countConfirmed(requesterAccountId, 1),
    putEvent(requesterAccountId, input.requesterEvent),
    ...(input.deleteHolder ? [] : [putEvent(holderAccountId, input.holderEvent)]),
  ]);
  if (failed === undefined) {
    if (input.deleteHolder) await sweepAccount(holderAccountId);
    return 'ok';
  }
  if (failed === 0) return 'link-used';
  return failed <= 3 ? 'holder-changed' : 'requester-changed';
}

/* ------------------------------------------------------------------ passwords */

export async function changePassword(input: {
  accountId: string;
  password: PasswordHash;
  now: Date;
  event: HistoryEvent;
  /** A reset link: used once, and only if no password change happened since it was made. */
  resetToken?: { hash: string; createdAt: string };
}): Promise<'ok' | 'link-used'> {
  const items: TransactItem[] = [
    {
      Update: {
        TableName: accounts(),
        Key: profileKey(input.accountId),
        UpdateExpression: 'SET password = :password, passwordChangedAt = :at, failedSignIns = :zero',
        ConditionExpression: input.resetToken
          ? 'attribute_exists(pk) AND passwordChangedAt < :made'
          : 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':password': input.password,
          ':at': input.now.toISOString(),
          ':zero': 0,
          ...(input.resetToken ? { ':made': input.resetToken.createdAt } : {}),
        },
      },
    },
    putEvent(input.accountId, input.event),
  ];
  if (input.resetToken) items.unshift(consumeToken(input.resetToken.hash));
  return (await transact(items)) === undefined ? 'ok' : 'link-used';
}

/* ------------------------------------------------------------------ deletion */

/**
 * Deletes the account: profile and email claims in one transaction (the addresses are free
 * again at once), an anonymous audit record beside them; then every other item of the account
 * and its sessions.
 */
export async function deleteAccount(
  accountId: string,
  confirmed: readonly string[],
  now: Date,
): Promise<'ok' | 'gone' | 'changed'> {
  const at = now.toISOString();
  const failed = await transact([
    {
      Delete: {
        TableName: accounts(),
        Key: profileKey(accountId),
        // An email confirmed (or moved) since `confirmed` was read would keep a claim of a
        // deleted account: the caller reads again and retries instead.
        ConditionExpression: 'attribute_exists(pk) AND confirmedEmailCount = :count',
        ExpressionAttributeValues: { ':count': confirmed.length },
      },
    },
    ...confirmed.map(
      (normalized): TransactItem => ({
        Delete: {
          TableName: accounts(),
          Key: claimKey(normalized),
          ConditionExpression: 'accountId = :me',
          ExpressionAttributeValues: { ':me': accountId },
        },
      }),
    ),
    {
      Put: {
        TableName: accounts(),
        Item: { pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${unique()}`, type: 'account-deleted', at },
      },
    },
  ]);
  if (failed !== undefined) return (await profileOf(accountId)) ? 'changed' : 'gone';
  await sweepAccount(accountId);
  return 'ok';
}

async function sweepAccount(accountId: string): Promise<void> {
  await Promise.all([deleteAll(accounts(), accountKey(accountId)), endAllSessions(accountId)]);
}

async function deleteAll(table: string, pk: string): Promise<void> {
  for (;;) {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
        Limit: 100,
      }),
    );
    if (!Items || Items.length === 0) return;
    for (let i = 0; i < Items.length; i += 25) {
      let requests = Items.slice(i, i + 25).map((key) => ({
        DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
      }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [table]: requests } }),
        );
        requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  }
}
