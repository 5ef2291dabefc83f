/**
 * Account reset requests (a member who lost every sign-in method and every recovery code):
 * one item per account in the ephemeral table, kept 48 hours (the 24-hour wait and the 24 hours
 * its deletion link works).
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, epochSeconds, ifCondition, tableName } from './dynamo.ts';

export interface ResetRequest {
  readonly accountId: string;
  readonly requestedAt: string;
  readonly expiresAt: number;
}

const key = (accountId: string) => ({ pk: `ACCOUNTRESET#${accountId}`, sk: 'REQUEST' });

export async function resetRequestOf(accountId: string, now: Date): Promise<ResetRequest | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName('ephemeral'), Key: key(accountId), ConsistentRead: true }),
  );
  const request = Item as ResetRequest | undefined;
  return request && request.expiresAt > epochSeconds(now) ? request : undefined;
}

/** Creates the request unless one is live: a second request must not restart the owner's clock. */
export async function createResetRequest(request: ResetRequest): Promise<'created' | 'exists'> {
  const created = await ifCondition(
    documentClient().send(
      new PutCommand({
        TableName: tableName('ephemeral'),
        Item: { ...key(request.accountId), ...request },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': epochSeconds(new Date(request.requestedAt)) },
      }),
    ),
  );
  return created ? 'created' : 'exists';
}

export async function cancelResetRequest(accountId: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: tableName('ephemeral'), Key: key(accountId) }));
}
