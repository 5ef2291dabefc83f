/**
 * The members' mailboxes, read from the SES emulator's store: the mails to one address, oldest
 * first, and the link a mail carries.
 */
import { expect, inject } from 'vitest';
import { eventually } from './eventually.ts';

export interface Mail {
  readonly subject: string;
  readonly text: string;
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

/** `Name <box@host>` or `box@host` -> `box@host`. */
const mailboxOf = (to: string) => (/<([^>]+)>/.exec(to)?.[1] ?? to).trim().toLowerCase();

/** Every mail sent to this address so far (mail leaves after the response: settled first), oldest first. */
export async function mailsTo(address: string): Promise<Mail[]> {
  await fetch(`${inject('verity').siteUrl}/_local/mail/settled`);
  const response = await fetch(`${inject('verity').endpoints.ses}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const wanted = address.toLowerCase();
  return emails
    .filter((e) => e.destination.to.some((to) => mailboxOf(to) === wanted))
    .map((e) => ({ subject: e.subject, text: e.body.text ?? '' }));
}

/**
 * Waits for a mail to this address whose subject matches, newer than the first `after` mails
 * (count them before the action that sends it), and returns the newest such mail.
 */
export async function newestMail(
  address: string,
  options: { subject: string | RegExp; after?: number },
): Promise<Mail> {
  const matches = (mail: Mail) =>
    typeof options.subject === 'string'
      ? mail.subject === options.subject
      : options.subject.test(mail.subject);
  const found = await eventually(
    async () => (await mailsTo(address)).slice(options.after ?? 0).findLast(matches),
    (mail) => expect(mail, `a mail to ${address} about "${options.subject}"`).toBeDefined(),
    { timeout: 10_000 },
  );
  return found as Mail;
}

/** The one link in the mail's text that opens `path` on the site. */
export function linkIn(mail: Mail, path: string): string {
  const links = [...mail.text.matchAll(/https?:\/\/\S+/g)]
    .map((m) => m[0])
    .filter((link) => new URL(link).pathname === path);
  expect(links, `links to ${path} in "${mail.subject}"`).toHaveLength(1);
  return links[0] as string;
}
