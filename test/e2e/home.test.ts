import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, openPage, siteUrl } from '../support/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the home page', () => {
  it('offers Create account and Sign in, passes axe and breaks no CSP rule', async () => {
    const { page, context, problems } = await openPage(browser);
    await page.goto(siteUrl());
    await expect.poll(() => page.title()).toContain('Verity');
    const main = page.getByRole('main');
    await expect.poll(() => main.getByRole('link', { name: 'Create account', exact: true }).count()).toBe(1);
    await expect.poll(() => main.getByRole('link', { name: 'Sign in', exact: true }).count()).toBe(1);
    // USWDS's stylesheet loaded from our own /assets (the button is styled, not a plain link).
    const buttonColor = await main
      .getByRole('link', { name: 'Create account', exact: true })
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(buttonColor).not.toBe('rgba(0, 0, 0, 0)');
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('has a skip link that moves focus to the main content', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(siteUrl());
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    await context.close();
  });

  it('leads from Create account and Sign in to their pages, each accessible', async () => {
    const { page, context, problems } = await openPage(browser);
    for (const name of ['Create account', 'Sign in']) {
      await page.goto(siteUrl());
      await page.getByRole('main').getByRole('link', { name, exact: true }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      await expectAccessible(page);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens the navigation menu on a phone-sized screen (USWDS script runs under the CSP)', async () => {
    const { page, context, problems } = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(siteUrl());
    const signIn = page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Sign in' });
    await expect.poll(() => signIn.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect.poll(() => signIn.isVisible()).toBe(true);
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('pages that do not exist', () => {
  it('show an accessible 404 page with a way home', async () => {
    const { page, context, problems } = await openPage(browser);
    const response = await page.goto(`${siteUrl()}/no-such-page`);
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    await context.close();
  });
});
