/** History: a page of the account's events (time, what, coarse device and place), newest first. */
import { describe, expect, it } from 'vitest';
import * as store from '../../../lambdas/store/history.ts';
import {
  addEmailOverHttp,
  Browser,
  confirmWithPassword,
  createMember,
  lastMailTo,
  linkIn,
  MAIL,
  OTHER_PASSWORD,
  type Page,
  passSecondStep,
  uniqueEmail,
} from './support.ts';

const CHROME_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The rows of the history table: when, what, device, place. */
function historyRows(page: Page): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page.html)?.[1] ?? '';
  return [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map(([, row = '']) =>
    [...row.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map(([, cell = '']) =>
      cell
        .replace(/<[^>]*>/g, '')
        .replace(/&amp;/g, '&')
        .trim(),
    ),
  );
}

describe('Account history', () => {
  it("lists the account's events newest first, with the time, what happened, a coarse device and the place", async () => {
    const member = await createMember({ confirmed: [uniqueEmail('history'), uniqueEmail('history-second')] });
    const second = member.confirmed[1] as string;
    const work = uniqueEmail('history-work');
    const browser = new Browser({ userAgent: CHROME_ON_WINDOWS, country: 'DE' });

    expect((await browser.signIn(member.primary, OTHER_PASSWORD)).status).toBe(401);
    await passSecondStep(browser, member, await browser.signIn(member.primary));
    await addEmailOverHttp(browser, work, true);
    const link = linkIn(await lastMailTo(work, MAIL.confirmAdded), '/confirm-email');
    const confirmed = await confirmWithPassword(browser, link);
    expect((await browser.follow(confirmed)).heading).toBe('Profile');
    expect((await browser.pressOnEmail('Set as primary', work)).status).toBe(303);
    expect((await browser.pressOnEmail('Remove', second)).status).toBe(303);

    const page = await browser.get('/account/history');
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Account history');
    const rows = historyRows(page);
    const ours = rows.filter((r) => r[2] === 'Chrome on Windows');
    expect(ours.map((r) => r[1])).toEqual([
      `Email removed: ${second}`,
      `Primary email changed: ${work}`,
      `Email confirmed: ${work}`,
      'Second step of sign-in passed',
      'Signed in',
      'Wrong password entered',
    ]);
    for (const row of ours) expect(row[3], 'the place').toBe('DE');
    expect(rows.at(-1)?.[1], 'the oldest event last').toBe(`Account created: ${member.primary}`);
    for (const row of rows) expect(row[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);

    // The page shows the stored events in their order, which is by time, newest first.
    const stored = await store.historyOf(member.accountId);
    expect(stored.map((e) => e.at.slice(0, 16).replace('T', ' '))).toEqual(rows.map((r) => r[0]));
    const times = stored.map((e) => e.at);
    expect([...times].sort().reverse(), 'newest first').toEqual(times);
    expect(page.html, 'no IP address on the page').not.toContain(browser.ip);
  });

  it('is only for the signed-in member', async () => {
    const page = await new Browser().get('/account/history');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in?next=%2Faccount%2Fhistory');
  });
});
