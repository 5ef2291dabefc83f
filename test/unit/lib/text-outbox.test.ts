import { describe, expect, it } from 'vitest';
import { textOutboxPage } from '../../../lib/local/text-outbox.ts';

describe('the local text outbox page', () => {
  it('escapes what it shows: a message is text, never markup', () => {
    const page = textOutboxPage([
      {
        to: '+12025550123',
        channel: 'sms',
        message: '<script>alert("x")</script> & more',
        at: '2026-01-01T00:00:00Z',
      },
    ]);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
  });

  it('lists messages in the order given (the reader gives newest first), with a caption and column headers', () => {
    const page = textOutboxPage([
      { to: '+12025550123', channel: 'voice', message: 'message-two', at: '2026-01-01T00:01:00Z' },
      { to: '+12025550123', channel: 'sms', message: 'message-one', at: '2026-01-01T00:00:00Z' },
    ]);
    expect(page.indexOf('message-two')).toBeLessThan(page.indexOf('message-one'));
    expect(page).toContain('<caption>2 messages, newest first</caption>');
    expect(page).toContain('<th scope="col">Message</th>');
    expect(page).toContain('Voice call');
    expect(page).toMatch(/<html lang="en">/);
  });

  it('says so when there is nothing yet', () => {
    expect(textOutboxPage([])).toContain('No texts yet.');
  });
});
