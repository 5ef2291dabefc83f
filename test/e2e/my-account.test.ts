/**
 * My Account in the job aids' words, in Chromium: "From My Account, select Profile". Its three
 * parts, Profile, Sign-in and security and Connected partners, are each one step from each other
 * through the navigation on every page of the area, which marks the part shown; every part passes
 * axe (arriveAt checks each page it arrives at), and none breaks its CSP or logs a console error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser.ts';
import { address, createMember } from './support/members.ts';
import { ACCOUNT_PARTS, accountNav, follow, link, selectPart } from './support/pages.ts';

const PASSWORD = 'pebble harbor quill 29 meadow';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('My Account', () => {
  it('reaches each part from each other part in one step, and each passes axe', async ({ expect }) => {
    const { page, context, problems } = await openPage(browser);
    await createMember(page, address('ida'), PASSWORD);

    // The header leads to My Account, which opens on Profile.
    await follow(page, link(page.getByRole('navigation', { name: 'Primary' }), 'My Account'));
    await selectPart(page, 'Profile');
    expect(await page.title()).toBe('Profile | My Account | Verity');

    for (const from of ACCOUNT_PARTS) {
      for (const to of ACCOUNT_PARTS) {
        if (to === from) continue;
        await selectPart(page, from);
        // The navigation names all three parts, and marks only the one shown.
        expect(await accountNav(page).getByRole('link').allTextContents()).toEqual([...ACCOUNT_PARTS]);
        expect(await accountNav(page).locator('[aria-current]').allTextContents()).toEqual([from]);
        await selectPart(page, to);
        expect(await page.title()).toBe(`${to} | My Account | Verity`);
      }
    }

    expect(problems).toEqual([]);
    await context.close();
  });

  it('Connected partners says how a partner gets there while there is none', async ({ expect }) => {
    const { page, context, problems } = await openPage(browser);
    await createMember(page, address('joan'), PASSWORD);
    await selectPart(page, 'Connected partners');
    await expect
      .poll(() => page.getByRole('main').textContent())
      .toContain(
        'You have not connected any partners yet. When you sign in to a partner with Verity and select Allow, it appears here.',
      );
    expect(problems).toEqual([]);
    await context.close();
  });
});
