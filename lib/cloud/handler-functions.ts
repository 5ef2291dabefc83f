/**
 * One Lambda function per entry of `handlers` and of `workers` in lib/routes.ts. Each gets its own
 * role holding exactly what its manifest entry asks for (its tables, the mail queue if it sends
 * mail, SES if it delivers mail, field encryption, texts, the evidence bucket's `attempts/`,
 * the identity checks, video calls, its own log group) and nothing from AWS managed policies. A worker is wired to its trigger: the mail queue, or a daily schedule.
 */
import { join } from 'node:path';
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FIELD_CONTEXT_KEYS } from '../../lambdas/keys/field-cipher.ts';
import type { HandlerDefinition, TableGrant, WorkerDefinition } from '../routes.ts';
import type { TableName } from '../tables.ts';
import { acknowledge, defaultPolicyOf, nagArnOf, type ReasonName, resourceOf } from './acknowledge.ts';
import { HANDLER_EXPORT, LAMBDA_NODE_OPTIONS } from './bundling.ts';
import type { VerityConfig } from './config.ts';
import type { DataTables } from './data-tables.ts';
import type { Mail } from './mail.ts';
import type { MailQueue } from './mail-queue.ts';
import { HANDLER_TAG, pascalCase, WORKER_TAG } from './names.ts';
import { nodejsBundling } from './nodejs-bundling.ts';
import { logRetentionFor, removalPolicyFor } from './retention.ts';

/** CPU scales with memory: 1 GB keeps scrypt and page rendering quick; the bench says more. */
export const DEFAULT_MEMORY_MB = 1024;
/** Well under the HTTP API's 30 s integration limit, so a stuck call ends in our own error page. */
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** Mail per invocation of the mail-sender: SQS's largest standard batch. */
export const MAIL_BATCH_SIZE = 10;
/**
 * At most this many mail-senders at once. SES accounts start at 14 messages a second; a burst
 * beyond what two workers send waits in the queue instead of failing into the dead-letter queue.
 */
export const MAIL_SENDER_CONCURRENCY = 2;

/** How often a `schedule` worker runs (key rotation: its timings assume about once a day). */
export const WORKER_SCHEDULE = Duration.days(1);

export interface HandlerFunctionsProps {
  readonly config: VerityConfig;
  readonly projectRoot: string;
  readonly definitions: Readonly<Record<string, HandlerDefinition>>;
  readonly workers: Readonly<Record<string, WorkerDefinition>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly tables: DataTables;
  readonly mail: Mail;
  readonly mailQueue: MailQueue;
  /** The stack key: tables and logs, and the data keys of field encryption. */
  readonly key: IKey;
  readonly pepper: IKey;
  /** Identity verification evidence, encrypted with the stack key (evidence-bucket.ts). */
  readonly evidence: IBucket;
}

/** What every function is built from, handler or worker. */
type FunctionSpec = Pick<HandlerDefinition, 'entry' | 'description' | 'memoryMb' | 'timeoutSeconds'>;

/** The grants a handler and a worker ask for alike. */
type DataGrants = Pick<WorkerDefinition, 'tables' | 'encryptsFields'>;

export class HandlerFunctions extends Construct {
  readonly byName: ReadonlyMap<string, NodejsFunction>;
  readonly workersByName: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: HandlerFunctionsProps) {
    super(scope, id);
    const byName = new Map<string, NodejsFunction>();
    for (const [name, definition] of Object.entries(props.definitions)) {
      byName.set(name, this.createHandler(name, definition, props));
    }
    this.byName = byName;
    const workersByName = new Map<string, NodejsFunction>();
    for (const [name, worker] of Object.entries(props.workers)) {
      workersByName.set(name, this.createWorker(name, worker, props));
    }
    this.workersByName = workersByName;
  }

  get(name: string): NodejsFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`No handler function ${name}: is it in the handlers manifest?`);
    return fn;
  }

  private createHandler(name: string, definition: HandlerDefinition, props: HandlerFunctionsProps) {
    const { fn, role, scope } = this.createFunction(
      name,
      definition,
      { key: HANDLER_TAG, kind: 'handler' },
      props,
    );
    grantData(role, definition, props);
    if (definition.sendsMail) props.mailQueue.grantSend(role);
    if (definition.usesPepper) props.pepper.grant(role, 'kms:GenerateMac');
    if (definition.sendsTexts) {
      role.addToPrincipalPolicy(sendTextsStatement());
      acknowledge(defaultPolicyOf(role), 'AwsSolutions-IAM5[Resource::*]', 'sendTextsAnyOrigin');
    }
    grantEvidence(role, definition, props);
    // Each grant on `*` in a policy of its own: cdk-nag keeps one reason per finding and policy,
    // and the Resource::* of the identity checks is not the Resource::* of texts.
    if (definition.checksIdentity) {
      attachPolicy(scope, 'IdentityChecks', fn, role, checkIdentityStatement(), 'identityChecksAnyResource');
    }
    if (definition.holdsCalls) {
      attachPolicy(scope, 'VideoCalls', fn, role, holdCallsStatement(), 'videoCallMeetings');
    }
    return fn;
  }

  private createWorker(name: string, worker: WorkerDefinition, props: HandlerFunctionsProps) {
    const { fn, role, scope } = this.createFunction(name, worker, { key: WORKER_TAG, kind: 'worker' }, props);
    grantData(role, worker, props);
    if (worker.deliversMail) props.mail.grantSend(role);
    if (worker.trigger === 'mail-queue') {
      // A mapping without aws-cdk-lib's SqsEventSource, whose grant would add kms:Decrypt on the
      // stack key for any ciphertext; grantReceive holds it to this queue's messages.
      fn.addEventSourceMapping('MailQueue', {
        eventSourceArn: props.mailQueue.queue.queueArn,
        batchSize: MAIL_BATCH_SIZE,
        maxConcurrency: MAIL_SENDER_CONCURRENCY,
        reportBatchItemFailures: true,
      });
      props.mailQueue.grantReceive(role);
    }
    if (worker.trigger === 'schedule') {
      // Invoked asynchronously: a failed run is retried twice by Lambda, and the next day anyway.
      new Rule(scope, 'Schedule', {
        description: `Verity ${props.config.stage} ${name}: ${worker.description}`,
        schedule: Schedule.rate(WORKER_SCHEDULE),
        targets: [new LambdaFunction(fn)],
      });
    }
    return fn;
  }

  private createFunction(
    name: string,
    spec: FunctionSpec,
    tag: { key: string; kind: 'handler' | 'worker' },
    props: HandlerFunctionsProps,
  ): { fn: NodejsFunction; role: Role; scope: Construct } {
    const scope = new Construct(this, pascalCase(name));
    const logGroup = new LogGroup(scope, 'Logs', {
      retention: logRetentionFor(props.config),
      encryptionKey: props.key,
      removalPolicy: removalPolicyFor(props.config),
    });
    const role = new Role(scope, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Verity ${props.config.stage} ${name} ${tag.kind}`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(scope, 'Function', {
      entry: join(props.projectRoot, spec.entry),
      handler: HANDLER_EXPORT,
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      role,
      logGroup,
      bundling: nodejsBundling(),
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
    });
    Tags.of(fn).add(tag.key, name);
    acknowledge(resourceOf(fn), 'AwsSolutions-L1', 'lambdaRuntimeNode22');
    return { fn, role, scope };
  }
}

/** Tables (as `read` or `readwrite`) and field encryption, for a handler or a worker. */
function grantData(role: Role, grants: DataGrants, props: HandlerFunctionsProps): void {
  for (const [table, grant] of Object.entries(grants.tables ?? {}) as [TableName, TableGrant][]) {
    grantTable(role, props.tables.get(table), grant, props.tables.hasIndexes(table));
  }
  if (grants.encryptsFields) role.addToPrincipalPolicy(fieldEncryptionStatement(props.key));
}

export const FIELD_ENCRYPTION_SID = 'EncryptFields';

/**
 * What the Encryption SDK's KMS keyring asks of the stack key: a new data key per encrypted field
 * (GenerateDataKey) and unwrapping it again (Decrypt), nothing else. The conditions hold both to
 * an encryption context of exactly `account` and `field`, both present, so this statement
 * opens nothing else under the stack key. (The table grants of the same roles still
 * carry the key actions aws-cdk-lib adds for a table under a customer managed key; see
 * docs/deploy.md.)
 */
function fieldEncryptionStatement(key: IKey): PolicyStatement {
  return new PolicyStatement({
    sid: FIELD_ENCRYPTION_SID,
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [key.keyArn],
    conditions: {
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...FIELD_CONTEXT_KEYS] },
      Null: Object.fromEntries(FIELD_CONTEXT_KEYS.map((k) => [`kms:EncryptionContext:${k}`, 'false'])),
    },
  });
}

export const SEND_TEXTS_SID = 'SendCodesToPhones';

/**
 * Codes to phones through End User Messaging SMS and voice: the two send actions and nothing
 * else (no reading or changing numbers, pools, opt-out lists or configuration). On `*`: the
 * origination identity is bought and registered outside the stack, named by the operator in the
 * `smsOriginationIdentity` setting or left to the service, so no ARN is known at synthesis.
 */
function sendTextsStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: SEND_TEXTS_SID,
    actions: ['sms-voice:SendTextMessage', 'sms-voice:SendVoiceMessage'],
    resources: ['*'],
  });
}

/** A policy holding one statement on `*`, attached to the role before the function exists. */
function attachPolicy(
  scope: Construct,
  id: string,
  fn: NodejsFunction,
  role: Role,
  statement: PolicyStatement,
  reason: ReasonName,
): void {
  const policy = new Policy(scope, id, { statements: [statement], roles: [role] });
  fn.node.addDependency(policy);
  acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', reason);
}

export const EVIDENCE_OBJECTS_SID = 'VerificationEvidence';
export const EVIDENCE_KEY_SID = 'VerificationEvidenceKeyThroughS3';
export const CHECK_IDENTITY_SID = 'CheckDocumentsAndFaces';
export const HOLD_CALLS_SID = 'HoldVideoCalls';

/** Where evidence lives in the bucket: `attempts/<attempt>/<part>`; nothing else is granted. */
export const EVIDENCE_PREFIX = 'attempts/';

/**
 * The evidence bucket, for handlers that use evidence (`usesEvidence`) or have it checked
 * (`checksIdentity`), on `attempts/*` only and without s3:ListBucket or any bucket action:
 *
 * - `usesEvidence`: PutObject, GetObject and DeleteObject. The role signs the presigned POST
 *   policies that browsers upload with and the presigned GET URLs that agents' browsers view
 *   pictures through, and S3 checks a presigned request against the signer's permissions, so
 *   the role needs Put and Get although no picture passes through the Lambda. Delete: evidence
 *   goes as soon as the checks end (DeleteObjects asks s3:DeleteObject for each key).
 * - `checksIdentity`: GetObject. Textract and Rekognition read the pictures from S3 with the
 *   caller's permissions (forward access sessions), not with a service role of their own.
 *
 * The objects are encrypted with the stack key (SSE-KMS with a bucket key), so the role also needs
 * kms:GenerateDataKey to write and kms:Decrypt to read, and only through S3 for this bucket:
 * `kms:ViaService` s3 in this region and the encryption context S3 sends with a bucket key (the
 * bucket's ARN). No kms:Encrypt: S3 encrypts with the data key it gets from GenerateDataKey.
 */
function grantEvidence(role: Role, definition: HandlerDefinition, props: HandlerFunctionsProps): void {
  const s3Actions = [
    ...(definition.usesEvidence ? ['s3:PutObject'] : []),
    ...(definition.usesEvidence || definition.checksIdentity ? ['s3:GetObject'] : []),
    ...(definition.usesEvidence ? ['s3:DeleteObject'] : []),
  ];
  if (s3Actions.length === 0) return;
  const { evidence, key } = props;
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: EVIDENCE_OBJECTS_SID,
      actions: s3Actions,
      resources: [evidence.arnForObjects(`${EVIDENCE_PREFIX}*`)],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: EVIDENCE_KEY_SID,
      actions: [...(definition.usesEvidence ? ['kms:GenerateDataKey'] : []), 'kms:Decrypt'],
      resources: [key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}`,
          'kms:EncryptionContext:aws:s3:arn': evidence.bucketArn,
        },
      },
    }),
  );
  const bucketArn = nagArnOf(resourceOf(evidence));
  acknowledge(
    defaultPolicyOf(role),
    `AwsSolutions-IAM5[Resource::${bucketArn}/${EVIDENCE_PREFIX}*]`,
    'evidenceAttemptObjects',
  );
}

/**
 * The identity checks of the cloud vendors: Textract AnalyzeID (reads a driver's license or
 * passport) and Rekognition DetectFaces (selfie quality) and CompareFaces (selfie against the
 * document's portrait). On `*`: these three actions act on the images passed to them, not on an
 * AWS resource, and support no resource-level permissions; they read the images through the
 * caller's own S3 grant above, so they reach no picture the role could not read anyway.
 */
function checkIdentityStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: CHECK_IDENTITY_SID,
    actions: ['textract:AnalyzeID', 'rekognition:DetectFaces', 'rekognition:CompareFaces'],
    resources: ['*'],
  });
}

/**
 * The video call with an agent (Amazon Chime SDK Meetings): a meeting per review, an attendee
 * per person in it, and ending it. Nothing to read, list or record meetings. On `*`: a meeting and
 * its ID exist only once CreateMeeting has made them, so no meeting ARN is known at synthesis
 * (the AWS managed AmazonChimeSDK policy grants its meeting actions on `*` as well).
 */
function holdCallsStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: HOLD_CALLS_SID,
    actions: ['chime:CreateMeeting', 'chime:CreateAttendee', 'chime:DeleteMeeting'],
    resources: ['*'],
  });
}

/**
 * `read` -> grantReadData, `readwrite` -> grantReadWriteData. Both also grant use of the stack
 * key (the tables are encrypted with it) and reach the table's indexes through `index/*`; those
 * wildcard findings are acknowledged for exactly this table, on exactly this role.
 */
function grantTable(role: Role, table: Table, grant: TableGrant, hasIndexes: boolean): void {
  if (grant === 'read') table.grantReadData(role);
  else table.grantReadWriteData(role);
  const policy = defaultPolicyOf(role);

  if (hasIndexes) {
    const tableArn = nagArnOf(resourceOf(table));
    acknowledge(policy, `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`, 'tableIndexWildcard');
  }
  if (grant === 'readwrite') {
    acknowledge(policy, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'tableKeyActions');
    acknowledge(policy, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'tableKeyActions');
  }
}
