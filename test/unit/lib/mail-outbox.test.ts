/**
 * The local mail outbox keeps each request's mail apart, however requests interleave, so that the
 * gateway sends each response's mail after that response and no other.
 */
import { afterEach, expect, it } from 'vitest';
import { messages } from '../../../lambdas/mail/messages.ts';
import { decodeOutgoingMail, mailOutbox, useLocalMailSink } from '../../../lambdas/mail/outbox.ts';
import { collectMail, mailSettled, startLocalMailOutbox } from '../../../lib/local/mail-outbox.ts';

afterEach(() => useLocalMailSink(undefined));

const message = messages.signUpWithExistingAccount('http://localhost:3000');
const recipients = (mail: readonly string[]) => mail.map((body) => decodeOutgoingMail(body)?.to);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('keeps the mail of each request to that request, when two run at once', async () => {
  startLocalMailOutbox();
  const request = (name: string) =>
    collectMail(async () => {
      await mailOutbox({}).send(`${name}-1@example.com`, message);
      await turn();
      await mailOutbox({}).send(`${name}-2@example.com`, message);
      return name;
    });
  const [a, b] = await Promise.all([request('a'), request('b')]);
  expect(a.result).toBe('a');
  expect(recipients(a.mail)).toEqual(['a-1@example.com', 'a-2@example.com']);
  expect(recipients(b.mail)).toEqual(['b-1@example.com', 'b-2@example.com']);
});

it('collects nothing from a request that sends no mail, and is settled when nothing is on its way', async () => {
  startLocalMailOutbox();
  const { mail } = await collectMail(async () => 'no mail');
  expect(mail).toEqual([]);
  await expect(mailSettled()).resolves.toBeUndefined();
});
