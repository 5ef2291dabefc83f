/**
 * The mail-sender worker: no route. The mail queue (SQS) invokes it with batches of the mail that
 * handlers put in the outbox (lambdas/mail/outbox.ts), and it sends each through SES. Locally the
 * gateway invokes it the same way right after a response (lib/local/mail-outbox.ts).
 *
 * Each message is sent on its own; those that fail are reported back (ReportBatchItemFailures),
 * so SQS offers only them again, and after the queue's last receive moves them to its
 * dead-letter queue. A body that is not a mail is reported too: it lands in the dead-letter
 * queue, where an operator can read it, rather than vanishing. The log says which message
 * failed and why (error name), never to whom or what it said.
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeError, logger } from '../../http/logger.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { decodeOutgoingMail } from '../../mail/outbox.ts';
import { sesMailer } from '../../mail/ses.ts';

export async function sendQueuedMail(event: SQSEvent, mailer: Mailer): Promise<SQSBatchResponse> {
  const outcomes = await Promise.all(
    event.Records.map(async (record): Promise<SQSBatchItemFailure | undefined> => {
      const mail = decodeOutgoingMail(record.body);
      if (!mail) {
        logger.error('queued mail is unreadable', { messageId: record.messageId });
        return { itemIdentifier: record.messageId };
      }
      try {
        await mailer.send(mail.to, mail);
        return undefined;
      } catch (error) {
        logger.error('mail not sent', {
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          ...describeError(error),
        });
        return { itemIdentifier: record.messageId };
      }
    }),
  );
  return { batchItemFailures: outcomes.filter((o): o is SQSBatchItemFailure => o !== undefined) };
}

/** Built once, at module load, like every Lambda's ports. */
const ses = sesMailer();

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => sendQueuedMail(event, ses);
