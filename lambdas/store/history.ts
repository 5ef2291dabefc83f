/**
 * The account history (the history page): one item per event in the member's partition, sorted
 * by time. Every store writes its events through `eventPut`, in its transaction or on its own, so
 * an event item has one shape and one sort key everywhere.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../core/ids.ts';
import { documentClient, tableName } from './dynamo.ts';
import { accountKey, type HistoryEvent } from './items.ts';

const accounts = () => tableName('accounts');

/**
 * The write of one event: `{ Put: eventPut(...) }` in a transaction, `new PutCommand(eventPut(...))`
 * alone. Two events of one account can carry the same time (two requests in one millisecond), so
 * a random id follows the time in the sort key and neither event overwrites the other.
 */
export const eventPut = (accountId: string, event: HistoryEvent) => ({
  TableName: accounts(),
  Item: { pk: accountKey(accountId), sk: `EVENT#${event.at}#${newId()}`, ...event },
});

export async function recordEvent(accountId: string, event: HistoryEvent): Promise<void> {
  await documentClient().send(new PutCommand(eventPut(accountId, event)));
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
