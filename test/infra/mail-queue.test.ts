/**
 * The mail outbox in the cloud: handlers put mail on an SQS queue and answer; the mail-sender
 * worker, triggered by that queue, sends it through SES. The queue and its dead-letter queue are
 * encrypted with the stack key and refuse plain HTTP; only the handlers that send mail may put
 * mail on it, only the worker may take it off and send through SES, and the stack key serves
 * both only through SQS, for this queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_BATCH_SIZE, MAIL_SENDER_CONCURRENCY } from '../../lib/cloud/handler-functions.ts';
import {
  DEAD_MAIL_RETENTION,
  MAIL_MAX_RECEIVES,
  MAIL_RETENTION,
  OUTBOX_DECRYPT_SID,
  OUTBOX_KEY_SID,
  RECEIVE_MAIL_SID,
  SEND_MAIL_SID,
} from '../../lib/cloud/mail-queue.ts';
import { type HandlerDefinition, handlers, routes, workers } from '../../lib/routes.ts';
import { type Cfn, onlyResource, resourcesOf, type Synthesized, synthesize } from './synth.ts';
import {
  actionsOf,
  functionIdOfRoute,
  functionIdsByHandler,
  functionIdsByWorker,
  mailQueueIds,
  type PolicyStatement,
  resourceIdsOf,
  statementsOfFunction,
} from './template-queries.ts';

let dev: Synthesized;
let queues: { queue: string; deadLetters: string };
let workerId: string;

beforeAll(() => {
  dev = synthesize();
  queues = mailQueueIds(dev.mainTemplate);
  workerId = functionIdsByWorker(dev.mainTemplate).get('mail-sender') as string;
});
afterAll(() => dev?.dispose());

const queue = (id: string): Cfn => resourcesOf(dev.mainTemplate, 'AWS::SQS::Queue')[id]?.Properties;
const fn = (id: string): Cfn => resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id]?.Properties;
const stackKeyId = () => onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey')[0];

/** Every Allow statement in the stack's IAM policies, with the roles it is attached to. */
function allStatements(): { roles: string[]; statement: PolicyStatement }[] {
  return Object.values(resourcesOf(dev.mainTemplate, 'AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as PolicyStatement[])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({
        roles: (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
        statement,
      })),
  );
}

const roleOf = (functionId: string): string => fn(functionId).Role['Fn::GetAtt'][0];

/** The statement must hold the stack key to SQS, asking on behalf of the mail queue. */
function expectKeyOnlyThroughSqsForTheMailQueue(statement: PolicyStatement): void {
  expect(resourceIdsOf(statement)).toEqual([stackKeyId()]);
  const condition = statement.Condition?.StringEquals ?? {};
  expect(condition['kms:EncryptionContext:aws:sqs:arn']).toEqual({ 'Fn::GetAtt': [queues.queue, 'Arn'] });
  expect(JSON.stringify(condition['kms:ViaService'])).toMatch(/"sqs\.us-east-1\."/);
}

describe('the mail queue', () => {
  it('encrypts the queue and its dead-letter queue with the stack key', () => {
    for (const id of [queues.queue, queues.deadLetters]) {
      expect(queue(id).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [stackKeyId(), 'Arn'] });
    }
  });

  it('refuses every request to either queue that does not use TLS', () => {
    const policies = Object.values(resourcesOf(dev.mainTemplate, 'AWS::SQS::QueuePolicy'));
    for (const id of [queues.queue, queues.deadLetters]) {
      const policy = policies.find((p) => (p.Properties.Queues as Cfn[]).some((q) => q.Ref === id));
      expect(policy?.Properties.PolicyDocument.Statement, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('moves a message to the dead-letter queue after 5 failed receives, which keeps it 4 days', () => {
    expect(queue(queues.queue).RedrivePolicy.maxReceiveCount).toBe(MAIL_MAX_RECEIVES);
    expect(MAIL_MAX_RECEIVES).toBe(5);
    expect(queue(queues.queue).MessageRetentionPeriod).toBe(MAIL_RETENTION.toSeconds());
    expect(queue(queues.deadLetters).MessageRetentionPeriod).toBe(DEAD_MAIL_RETENTION.toSeconds());
    expect(DEAD_MAIL_RETENTION.toSeconds()).toBeGreaterThan(MAIL_RETENTION.toSeconds());
    expect(queue(queues.deadLetters).RedrivePolicy, 'the end of the line').toBeUndefined();
  });

  it('keeps a received message invisible six times as long as the worker may run', () => {
    expect(queue(queues.queue).VisibilityTimeout).toBe(6 * fn(workerId).Timeout);
  });

  it('tells every handler and worker where it is, as MAIL_QUEUE_URL', () => {
    const ids = [...functionIdsByHandler(dev.mainTemplate).values(), workerId];
    for (const id of ids) {
      expect(fn(id).Environment.Variables.MAIL_QUEUE_URL, id).toEqual({ Ref: queues.queue });
    }
  });

  it('takes mail from exactly the handlers flagged sendsMail, and from nothing else', () => {
    const functions = functionIdsByHandler(dev.mainTemplate);
    const senders = Object.entries(handlers as Record<string, HandlerDefinition>)
      .filter(([, d]) => d.sendsMail === true)
      .map(([name]) => roleOf(functions.get(name) as string));
    expect(senders.length).toBeGreaterThan(0);
    const withSend = allStatements().filter(({ statement }) =>
      actionsOf(statement).includes('sqs:SendMessage'),
    );
    expect(withSend.flatMap((s) => s.roles).sort()).toEqual([...senders].sort());
    for (const { statement } of withSend) {
      expect(statement.Sid).toBe(SEND_MAIL_SID);
      expect(actionsOf(statement)).toEqual(['sqs:SendMessage']);
      expect(resourceIdsOf(statement)).toEqual([queues.queue]);
    }
    expect(
      allStatements().filter(({ statement }) => resourceIdsOf(statement).includes(queues.deadLetters)),
      'nobody reads or writes dead mail but an operator',
    ).toEqual([]);
  });

  it('lets those handlers use the stack key only as SQS encrypts a message for this queue', () => {
    for (const [name, id] of functionIdsByHandler(dev.mainTemplate)) {
      const statement = statementsOfFunction(dev.mainTemplate, id).find((st) => st.Sid === OUTBOX_KEY_SID);
      expect(statement !== undefined, name).toBe(handlers[name as keyof typeof handlers].sendsMail === true);
      if (!statement) continue;
      expect(actionsOf(statement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expectKeyOnlyThroughSqsForTheMailQueue(statement);
    }
  });

  it('tells the operator where mail that could not be sent waits', () => {
    expect(dev.mainTemplate.toJSON().Outputs.MailDeadLetterQueueUrl.Value).toEqual({
      Ref: queues.deadLetters,
    });
  });
});

describe('the mail-sender worker', () => {
  it('runs one arm64 nodejs22.x function per manifest worker, and no route reaches it', () => {
    const byWorker = functionIdsByWorker(dev.mainTemplate);
    expect([...byWorker.keys()].sort()).toEqual(Object.keys(workers).sort());
    const routed = new Set(
      Object.values(resourcesOf(dev.mainTemplate, 'AWS::ApiGatewayV2::Route')).map((route) =>
        functionIdOfRoute(dev.mainTemplate, route),
      ),
    );
    for (const id of byWorker.values()) {
      expect(fn(id)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(routed.has(id)).toBe(false);
    }
    expect(routes.map((r) => r.handler as string)).not.toContain('mail-sender');
  });

  it('is run by the mail queue alone: ten mails at a time, at most two at once, failures reported one by one', () => {
    const mappings = Object.values(resourcesOf(dev.mainTemplate, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queues.queue, 'Arn'] },
      FunctionName: { Ref: workerId },
      BatchSize: MAIL_BATCH_SIZE,
      ScalingConfig: { MaximumConcurrency: MAIL_SENDER_CONCURRENCY },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('writes its own log group, encrypted with the stack key', () => {
    const logGroupId: string = fn(workerId).LoggingConfig.LogGroup.Ref;
    const logGroup = resourcesOf(dev.mainTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties;
    expect(logGroup.KmsKeyId).toEqual({ 'Fn::GetAtt': [stackKeyId(), 'Arn'] });
    const others = [...functionIdsByHandler(dev.mainTemplate).values()].map(
      (id) => fn(id).LoggingConfig.LogGroup.Ref,
    );
    expect(others).not.toContain(logGroupId);
  });

  it('may send mail only as the SES identity, through its configuration set', () => {
    const ses = statementsOfFunction(dev.mainTemplate, workerId).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('ses:')),
    );
    expect(ses.flatMap(actionsOf).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const [identityId] = onlyResource(dev.mainTemplate, 'AWS::SES::EmailIdentity');
    const [configurationSetId] = onlyResource(dev.mainTemplate, 'AWS::SES::ConfigurationSet');
    expect(ses.flatMap(resourceIdsOf).sort()).toEqual([configurationSetId, identityId].sort());
    expect(JSON.stringify(ses)).not.toContain('"*"');
  });

  it('may take mail off the queue and decrypt it through SQS, and nothing else', () => {
    const statements = statementsOfFunction(dev.mainTemplate, workerId);
    const receive = statements.find((st) => st.Sid === RECEIVE_MAIL_SID) as PolicyStatement;
    expect(actionsOf(receive).sort()).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(resourceIdsOf(receive)).toEqual([queues.queue]);
    const decrypt = statements.find((st) => st.Sid === OUTBOX_DECRYPT_SID) as PolicyStatement;
    expect(actionsOf(decrypt)).toEqual(['kms:Decrypt']);
    expectKeyOnlyThroughSqsForTheMailQueue(decrypt);
    const kms = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
    expect(kms, 'no other use of any key').toEqual([decrypt]);
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['kms', 'logs', 'ses', 'sqs']);
    expect(statements.flatMap(actionsOf)).not.toContain('sqs:SendMessage');
  });

  it('is the only role in the stack that may send through SES', () => {
    const withSes = allStatements().filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('ses:') || a === '*'),
    );
    expect([...new Set(withSes.flatMap((s) => s.roles))]).toEqual([roleOf(workerId)]);
  });
});
