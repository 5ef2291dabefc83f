/**
 * Mail through SES (the SES emulator locally, reached through AWS_ENDPOINT_URL_SESV2). Only the
 * mail-sender worker sends through it (and tests and benches that send directly): member-facing
 * handlers hand their mail to the outbox (lambdas/mail/outbox.ts) and have no SES permission.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Mailer } from './mailer.ts';

let ses: SESv2Client | undefined;

/** `from` defaults to MAIL_FROM, read at the first send so that the worker can build this at load. */
export function sesMailer(from?: string): Mailer {
  return {
    async send(to, message) {
      const sender = from ?? process.env.MAIL_FROM;
      if (!sender) throw new Error('MAIL_FROM is not set');
      ses ??= new SESv2Client({});
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: sender,
          Destination: { ToAddresses: [deliverable(to)] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}

/**
 * The address as SES can deliver it: compatibility forms folded and the domain in ASCII
 * (punycode). SES refuses a recipient with a non-ASCII domain or fullwidth characters.
 */
function deliverable(address: string): string {
  const parsed = parseEmailAddress(address);
  return isAddressProblem(parsed) ? address : parsed.normalized;
}
