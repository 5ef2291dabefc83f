/**
 * The mail outbox in the cloud: an SQS queue that member-facing handlers put mail on
 * (lambdas/mail/outbox.ts) and that the mail-sender worker reads, so that mail leaves after the
 * response and the time of an answer says nothing about the mail behind it. Messages hold an
 * address and often a link with a single-use secret, so both queues are encrypted with the stack
 * key and refuse requests without TLS. A message that fails 5 receives moves to the dead-letter
 * queue, where an operator can see that (and, with the key, what) mail did not go out.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Receives before a message goes to the dead-letter queue: a few minutes of SES trouble, then stop. */
export const MAIL_MAX_RECEIVES = 5;
/** Confirmation links live 24 hours, reset links one hour: mail older than a day is worth nothing. */
export const MAIL_RETENTION = Duration.days(1);
/** Long enough for an operator to look after a weekend; the links inside have expired by then. */
export const DEAD_MAIL_RETENTION = Duration.days(4);

/** Sids of the statements a mail-sending handler gets: the queue, and the key through SQS. */
export const SEND_MAIL_SID = 'HandMailToTheOutbox';
export const OUTBOX_KEY_SID = 'EncryptOutboxMail';
/** Sids of the statements the worker on the queue gets: receiving, and the key through SQS. */
export const RECEIVE_MAIL_SID = 'TakeMailFromTheOutbox';
export const OUTBOX_DECRYPT_SID = 'DecryptOutboxMail';

export interface MailQueueProps {
  /** The stack key: both queues are encrypted with it. */
  readonly key: IKey;
  /** The timeout of the worker that reads the queue; a message stays invisible six times that. */
  readonly workerTimeout: Duration;
}

export class MailQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: MailQueueProps) {
    super(scope, id);
    this.key = props.key;
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: DEAD_MAIL_RETENTION,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: MAIL_RETENTION,
      // AWS's advice for an SQS event source: six times the function's timeout, so a batch that
      // is still being sent is not handed to a second worker.
      visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAIL_MAX_RECEIVES },
    });
  }

  /**
   * What a handler needs to put mail on the queue and nothing more: `sqs:SendMessage` on this
   * queue, and the two key actions SQS performs for the sender of an encrypted message
   * (GenerateDataKey for the message's data key, Decrypt when SQS reuses a cached one), only
   * when SQS asks on behalf of this queue.
   */
  grantSend(grantee: IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: SEND_MAIL_SID,
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    principal.addToPrincipalPolicy(
      this.keyThroughSqs(OUTBOX_KEY_SID, ['kms:GenerateDataKey', 'kms:Decrypt']),
    );
  }

  /**
   * What Lambda's event source mapping polls with, on the worker's role (the actions of AWS's
   * AWSLambdaSQSQueueExecutionRole, on this queue only), and kms:Decrypt of this queue's messages.
   * A failed message is simply not deleted (partial batch responses), so no ChangeMessageVisibility.
   */
  grantReceive(grantee: IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: RECEIVE_MAIL_SID,
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    principal.addToPrincipalPolicy(this.keyThroughSqs(OUTBOX_DECRYPT_SID, ['kms:Decrypt']));
  }

  /** The stack key, only when SQS uses it for this queue (its ARN is the encryption context). */
  private keyThroughSqs(sid: string, actions: string[]): PolicyStatement {
    const stack = Stack.of(this);
    return new PolicyStatement({
      sid,
      actions,
      resources: [this.key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}`,
          'kms:EncryptionContext:aws:sqs:arn': this.queue.queueArn,
        },
      },
    });
  }
}
