/**
 * Browser helpers for the e2e layer: one Chromium per test file, a fresh context per test, an
 * axe check for every page, and a record of CSP violations and console errors (both must stay
 * empty: a page that breaks its own CSP is broken for members too).
 */
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { CHROMIUM_ARGS } from '../../lib/local/chromium.ts';

const require = createRequire(import.meta.url);
const axeSource: string = require('axe-core').source;

export const siteUrl = () => inject('verity').siteUrl;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS, headless: true });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** CSP violations and console errors seen so far. */
  readonly problems: string[];
}

export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
) {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeBinding('__reportCspViolation', (_source, text: string) => problems.push(`csp: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI}`,
      );
    });
  });
  return { page, context, problems } satisfies WatchedPage;
}

/** Runs axe (WCAG 2.1 A and AA) on the current page and fails with every violation it finds. */
export async function expectAccessible(page: Page): Promise<void> {
  // evaluate() runs through DevTools, outside the page's CSP, which rightly refuses inline script.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`,
    );
  });
  expect(violations, `axe violations on ${page.url()}`).toEqual([]);
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}
