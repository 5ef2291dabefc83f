/**
 * The mail port: what a message is, and the `Mailer` that domain code hands messages to. Member
 * mail goes through the mail outbox (lambdas/mail/outbox.ts), which sends it after the response;
 * only the mail-sender worker talks to SES (lambdas/mail/ses.ts). One message per address: a
 * notification to several confirmed emails must not show each address to the others' mail
 * providers, and one bounce must not stop the rest.
 */

export interface MailMessage {
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(to: string, message: MailMessage): Promise<void>;
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
