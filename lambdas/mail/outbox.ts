/**
 * The mail outbox: a handler hands each message over and answers; the message is sent after the
 * answer. So the time of an answer does not depend on which message goes out, or on SES, and a
 * form that must not tell whether an address has an account (Create account, Forgot password)
 * cannot tell it by its timing either (docs/decisions.md, "Mail after the response").
 *
 * In the cloud a message is one SQS message on the mail queue (MAIL_QUEUE_URL); the mail-sender
 * worker (lambdas/handlers/mail-sender/handler.ts) reads the queue and sends through SES, retrying, with a
 * dead-letter queue. Locally there is no queue: `npm start` registers a sink
 * (lib/local/mail-outbox.ts) that collects the messages of each request, and the local gateway
 * runs the same mail-sender on them right after it has written the response. The handlers choose
 * by environment, as for the other ports: MAIL_QUEUE_URL is set only by the stack.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import type { Mailer, MailMessage } from './mailer.ts';

/** One mail as the queue carries it. Personal (an address, links with secrets): never log it. */
export interface OutgoingMail extends MailMessage {
  readonly to: string;
}

const outgoingMailSchema = v.object({
  to: v.pipe(v.string(), v.minLength(3), v.maxLength(320)),
  subject: v.pipe(v.string(), v.minLength(1), v.maxLength(998)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
});

export const encodeOutgoingMail = (to: string, message: MailMessage): string =>
  JSON.stringify({ to, subject: message.subject, text: message.text } satisfies OutgoingMail);

/** The mail in a queue message, or undefined when the body is not one. */
export function decodeOutgoingMail(body: string): OutgoingMail | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = v.safeParse(outgoingMailSchema, parsed);
  return result.success ? result.output : undefined;
}

/** Each message becomes one SQS message; SQS holds it (encrypted) until the mail-sender sends it. */
export function queueOutbox(queueUrl: string, client: SQSClient = new SQSClient({})): Mailer {
  return {
    async send(to, message) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeOutgoingMail(to, message) }),
      );
    },
  };
}

/** Locally: takes each encoded message of the request being served (lib/local/mail-outbox.ts). */
export type LocalMailSink = (body: string) => void | Promise<void>;

let localSink: LocalMailSink | undefined;

/** `npm start` and the test setups register the local sink; nothing registers one in the cloud. */
export function useLocalMailSink(sink: LocalMailSink | undefined): void {
  localSink = sink;
}

const localOutbox: Mailer = {
  async send(to, message) {
    if (!localSink) throw new Error('MAIL_QUEUE_URL is not set and no local mail sink is registered');
    await localSink(encodeOutgoingMail(to, message));
  },
};

let queued: { url: string; outbox: Mailer } | undefined;

/** The outbox of this environment: the mail queue in the cloud, the local sink on `npm start`. */
export function mailOutbox(env: NodeJS.ProcessEnv = process.env): Mailer {
  const url = env.MAIL_QUEUE_URL;
  if (!url) return localOutbox;
  if (queued?.url !== url) queued = { url, outbox: queueOutbox(url) };
  return queued.outbox;
}
