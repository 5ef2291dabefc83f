/**
 * The mail outbox on this machine, in place of the cloud's SQS queue: the local gateway serves
 * each request inside `collectMail`, which keeps the mail its handler hands to the outbox
 * (lambdas/mail/outbox.ts); once the response is written, `sendAfterResponse` gives that mail to
 * the very mail-sender worker the queue invokes in the cloud (lib/routes.ts `workers`), as an SQS
 * event, and the worker sends it to the SES emulator. So the answer's time does not include
 * the mail, as in the cloud, and a developer sees the mail in the viewer a moment later.
 *
 * `mailSettled` (GET /_local/mail/settled on the gateway) waits until every mail of the responses
 * written so far has been handed to the SES emulator, so that a test reads the mailbox after it,
 * or knows that no mail is coming, without waiting for a guessed time. Local only: no route in
 * lib/routes.ts, nothing in the cloud.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { useLocalMailSink } from '../../lambdas/mail/outbox.ts';
import { workers } from '../routes.ts';
import { projectRoot } from './config.ts';

export const MAIL_SETTLED_PATH = '/_local/mail/settled';

/** The worker the cloud's mail queue triggers. */
const MAIL_SENDER = Object.entries(workers).find(([, worker]) => worker.trigger === 'mail-queue');

/** The mail (queue message bodies) of the request being served. */
const collecting = new AsyncLocalStorage<string[]>();
const inFlight = new Set<Promise<void>>();

/** Registers the sink the handlers' outbox writes into; the gateway calls it once when it starts. */
export function startLocalMailOutbox(): void {
  useLocalMailSink((body) => {
    const request = collecting.getStore();
    if (request) request.push(body);
    // Mail handed over outside a request (a seed script): sent now, as nobody answers first.
    else track(deliver([body]));
  });
}

/** Runs one request's handler and keeps the mail it handed to the outbox. */
export async function collectMail<T>(serve: () => Promise<T>): Promise<{ result: T; mail: string[] }> {
  const mail: string[] = [];
  const result = await collecting.run(mail, serve);
  return { result, mail };
}

/**
 * Call right after the response is written: the delivery counts as in flight from now (so a
 * client that got the response and asks `mailSettled` waits for it), and starts on the next turn
 * of the event loop, after the response's bytes have gone out.
 */
export function sendAfterResponse(mail: readonly string[]): void {
  if (mail.length === 0) return;
  track(new Promise<void>((next) => setImmediate(next)).then(() => deliver(mail)));
}

/** Resolves once no mail is on its way to the SES emulator. */
export async function mailSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

function track(delivery: Promise<void>): void {
  const tracked = delivery.catch((error: unknown) => {
    // The name only: a message could quote an address.
    process.stderr.write(`local mail outbox: ${error instanceof Error ? error.name : 'error'}\n`);
  });
  inFlight.add(tracked);
  void tracked.finally(() => inFlight.delete(tracked));
}

type MailSender = (event: SQSEvent) => Promise<SQSBatchResponse>;
let mailSender: Promise<MailSender> | undefined;

async function deliver(bodies: readonly string[]): Promise<void> {
  if (!MAIL_SENDER) throw new Error('no worker with the mail-queue trigger in lib/routes.ts');
  const [name, worker] = MAIL_SENDER;
  mailSender ??= import(pathToFileURL(resolve(projectRoot, worker.entry)).href).then(
    (module) => module.handler as MailSender,
  );
  const { batchItemFailures } = await (await mailSender)(sqsEvent(name, bodies));
  // The worker logged why; the cloud would retry and then dead-letter them. Locally: say so once.
  if (batchItemFailures.length > 0) {
    process.stderr.write(`local mail outbox: ${batchItemFailures.length} of ${bodies.length} not sent\n`);
  }
}

/** The event an SQS event source hands the worker, one record per message. */
function sqsEvent(worker: string, bodies: readonly string[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:verity-local-${worker}`,
      awsRegion: 'local',
    })),
  };
}
