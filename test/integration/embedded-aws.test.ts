/** The embedded AWS holds what the manifests say, and the handlers' SDK wiring reaches it. */
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, inject, it } from 'vitest';
import { tables } from '../../lib/tables.ts';

const verity = inject('verity');

describe('DynamoDB Local', () => {
  it.each(tables.map((t) => [t.name, t] as const))(
    'has the %s table with the keys, indexes and TTL of lib/tables.ts',
    async (_, table) => {
      const dynamodb = new DynamoDBClient({});
      const name = process.env[table.envVar] as string;
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
        ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        table.indexes.map((i) => i.name).sort(),
      );
      const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(table.ttlAttribute);
    },
  );
});

describe('the SES emulator', () => {
  it('captures mail sent through the SDK with no endpoint option and shows it at /store', async () => {
    const ses = new SESv2Client({});
    const subject = `Integration ${Date.now()}`;
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: process.env.MAIL_FROM,
        Destination: { ToAddresses: ['member@example.com'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Hello' } } } },
      }),
    );
    const store = (await (await fetch(`${verity.endpoints.ses}/store`)).json()) as {
      emails: { subject: string }[];
    };
    expect(store.emails.map((e) => e.subject)).toContain(subject);
    expect((await fetch(`${verity.endpoints.ses}/`)).status).toBe(200);
  });
});

describe('s3rver', () => {
  it('has the verification evidence bucket', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    const head = await s3.send(new HeadBucketCommand({ Bucket: verity.evidenceBucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
  });
});
