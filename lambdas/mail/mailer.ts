/**
 * Member mail through SES (the SES emulator locally, reached through AWS_ENDPOINT_URL_SESV2).
 * One message per address: a notification to several confirmed emails must not show each
 * address to the others' mail providers, and one bounce must not stop the rest.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { isAddressProblem, parseEmailAddress } from '../emails/address.ts';

export interface MailMessage {
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(to: string, message: MailMessage): Promise<void>;
}

let ses: SESv2Client | undefined;

export function sesMailer(from = process.env.MAIL_FROM): Mailer {
  if (!from) throw new Error('MAIL_FROM is not set');
  return {
    async send(to, message) {
      ses ??= new SESv2Client({});
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
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

/** Sends one message to each address; all are tried even when one fails. */
export async function sendToEach(
  mailer: Mailer,
  addresses: readonly string[],
  message: MailMessage,
): Promise<void> {
  const results = await Promise.allSettled(addresses.map((to) => mailer.send(to, message)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
