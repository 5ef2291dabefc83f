/**
 * The one DynamoDB document client every handler shares (built once per Lambda container, with
 * no endpoint option: the embedded AWS is reached through AWS_ENDPOINT_URL_DYNAMODB), and the
 * physical table names the stack passes in the environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type TableName, tableDefinition } from '../../lib/tables.ts';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
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

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
