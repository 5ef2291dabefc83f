/**
 * The one DynamoDB document client every handler shares (built once per Lambda container, with
 * no endpoint option: the embedded AWS is reached through AWS_ENDPOINT_URL_DYNAMODB), and the
 * physical table names the stack passes in the environment. One client per endpoint the
 * environment names: in Lambda that is one for the container's life; a process that starts one
 * embedded AWS after another (the bench) gets a client for each, never a stale one.
 */
import { randomInt } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type TableName, tableDefinition } from '../../lib/tables.ts';

const clients = new Map<string, DynamoDBDocumentClient>();

export function documentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';
  let client = clients.get(endpoint);
  if (!client) {
    client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    clients.set(endpoint, client);
  }
  return client;
}

export function tableName(name: TableName): string {
  const variable = tableDefinition(name).envVar;
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set`);
  return value;
}

/** DynamoDB TTL reads epoch seconds. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** True when a transaction failed because one of its conditions did not hold. */
export function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => (r.Code === 'None' ? undefined : r.Code));
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * A conditional write: its output, or undefined when the condition did not hold (the invariant
 * it guards said no). Any other failure is thrown.
 */
export async function ifCondition<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Runs a transaction; when a condition did not hold, returns the index of the first item whose
 * condition failed (the caller knows which invariant that was). Real DynamoDB cancels a
 * transaction that touches an item another one is writing (`TransactionConflict`) and the SDK
 * does not retry it; a cancelled transaction wrote nothing, so it is tried again, with jitter.
 */
export async function transact(items: TransactItem[], attempts = 4): Promise<number | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const outcome = transactionOutcome(error);
      if (outcome.kind === 'condition') return outcome.index;
      if (outcome.kind !== 'conflict' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + randomInt(40 * attempt)));
    }
  }
}

/**
 * For writes where any failure means "another request changed this first" (replacing a session
 * or a set of recovery codes): true when the transaction committed, false when a condition did not
 * hold or other transactions on the same items kept winning past the retries. Never a 500 for
 * losing a race.
 */
export async function committed(items: TransactItem[]): Promise<boolean> {
  try {
    return (await transact(items)) === undefined;
  } catch (error) {
    if (transactionOutcome(error).kind === 'conflict') return false;
    throw error;
  }
}

/** What a failed transaction says: a failed condition (and where), a conflict, or something else. */
export function transactionOutcome(
  error: unknown,
): { kind: 'condition'; index: number } | { kind: 'conflict' } | { kind: 'other' } {
  const reasons = cancellationReasons(error);
  if (!reasons) return { kind: 'other' };
  const index = reasons.indexOf('ConditionalCheckFailed');
  if (index >= 0) return { kind: 'condition', index };
  return reasons.includes('TransactionConflict') ? { kind: 'conflict' } : { kind: 'other' };
}

/** Deletes every item of one partition (an account's items, its sessions), 25 at a time. */
export async function deletePartition(table: string, pk: string): Promise<void> {
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
