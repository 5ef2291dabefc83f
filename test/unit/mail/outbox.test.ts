/**
 * The mail outbox and the worker behind it, with an in-memory mailer: what goes on the queue comes
 * back as the same mail, the outbox of each environment is the one its variables say, and the
 * mail-sender sends each message on its own, reports exactly the ones that failed, and logs
 * nothing of their addresses or words.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendQueuedMail } from '../../../lambdas/handlers/mail-sender/handler.ts';
import { logger } from '../../../lambdas/http/logger.ts';
import type { Mailer, MailMessage } from '../../../lambdas/mail/mailer.ts';
import { messages } from '../../../lambdas/mail/messages.ts';
import {
  decodeOutgoingMail,
  encodeOutgoingMail,
  mailOutbox,
  useLocalMailSink,
} from '../../../lambdas/mail/outbox.ts';

const ADDRESS = 'ada.lovelace@example.com';
const reset = messages.resetPassword('https://id.example.gov/reset-password?token=secret-token-value');

const eventOf = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `message-${i}`,
    receiptHandle: `receipt-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:mail',
    awsRegion: 'us-east-1',
  })),
});

/** Keeps what it is asked to send; refuses the addresses it is told to. */
function memoryMailer(refuse: readonly string[] = []) {
  const sent: { to: string; message: MailMessage }[] = [];
  const mailer: Mailer = {
    async send(to, message) {
      if (refuse.includes(to)) throw Object.assign(new Error(`refused ${to}`), { name: 'MessageRejected' });
      sent.push({ to, message: { subject: message.subject, text: message.text } });
    },
  };
  return { mailer, sent };
}

afterEach(() => {
  useLocalMailSink(undefined);
  vi.restoreAllMocks();
});

describe('a queued mail', () => {
  it('comes off the queue as the mail that was put on it', () => {
    expect(decodeOutgoingMail(encodeOutgoingMail(ADDRESS, reset))).toEqual({ to: ADDRESS, ...reset });
  });

  it('is not a mail when the body is not JSON, misses a part or has an empty one', () => {
    for (const body of ['', 'not json', '{}', JSON.stringify({ to: ADDRESS, subject: 'Hi' }), '[1]']) {
      expect(decodeOutgoingMail(body), body).toBeUndefined();
    }
    expect(decodeOutgoingMail(JSON.stringify({ to: ADDRESS, subject: '', text: 'x' }))).toBeUndefined();
  });
});

describe('the outbox of an environment', () => {
  it('with no mail queue hands each mail to the local sink, encoded as the queue would carry it', async () => {
    const bodies: string[] = [];
    useLocalMailSink((body) => {
      bodies.push(body);
    });
    await mailOutbox({}).send(ADDRESS, reset);
    expect(bodies).toEqual([encodeOutgoingMail(ADDRESS, reset)]);
  });

  it('with neither a mail queue nor a local sink refuses to pretend it sent anything', async () => {
    await expect(mailOutbox({}).send(ADDRESS, reset)).rejects.toThrow(/MAIL_QUEUE_URL/);
  });

  it('with a mail queue never touches the local sink', () => {
    const sink = vi.fn();
    useLocalMailSink(sink);
    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/verity-mail';
    const outbox = mailOutbox({ MAIL_QUEUE_URL: url });
    expect(outbox).toBe(mailOutbox({ MAIL_QUEUE_URL: url }));
    expect(outbox).not.toBe(mailOutbox({}));
    expect(sink).not.toHaveBeenCalled();
  });
});

describe('the mail-sender', () => {
  it('sends every mail of a batch and reports no failure', async () => {
    const { mailer, sent } = memoryMailer();
    const other = messages.signUpWithExistingAccount('https://id.example.gov');
    const result = await sendQueuedMail(
      eventOf(encodeOutgoingMail(ADDRESS, reset), encodeOutgoingMail('grace@example.com', other)),
      mailer,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([
      { to: ADDRESS, message: reset },
      { to: 'grace@example.com', message: other },
    ]);
  });

  it('reports exactly the messages it could not send, so that only they are retried', async () => {
    const { mailer, sent } = memoryMailer(['bounced@example.com']);
    const result = await sendQueuedMail(
      eventOf(
        encodeOutgoingMail(ADDRESS, reset),
        encodeOutgoingMail('bounced@example.com', reset),
        'not a mail',
      ),
      mailer,
    );
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'message-1' },
      { itemIdentifier: 'message-2' },
    ]);
    expect(sent.map((s) => s.to)).toEqual([ADDRESS]);
  });

  it('logs which message failed and why, never its address, subject or link', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { mailer } = memoryMailer(['bounced@example.com']);
    await sendQueuedMail(
      eventOf(encodeOutgoingMail('bounced@example.com', reset), `{"to":"${ADDRESS}"`),
      mailer,
    );
    expect(logged).toHaveBeenCalledTimes(2);
    const text = JSON.stringify(logged.mock.calls);
    expect(text).toContain('message-0');
    expect(text).toContain('MessageRejected');
    for (const secret of ['bounced@example.com', ADDRESS, 'secret-token-value', reset.subject]) {
      expect(text).not.toContain(secret);
    }
  });
});
