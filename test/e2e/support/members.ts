/**
 * The steps every journey starts with: create an account from the home page, confirm it from the
 * mailbox, sign in and out.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { siteUrl } from '../../support/browser.ts';
import { eventually } from './eventually.ts';
import { linkIn, mailsTo, newestMail } from './mail.ts';
import { type Authenticator, setUpAuthenticatorApp } from './mfa.ts';
import { arriveAt, button, follow, link } from './pages.ts';

export const SUBJECTS = {
  signUp: 'Confirm your email to finish creating your Verity account',
  addEmail: 'Confirm the email you added to your Verity account',
  heldElsewhere: 'Your email belongs to another Verity account',
};

/** A fresh address per run, so that journeys never meet accounts of an earlier run. */
export const address = (who: string) => `${who}-${randomUUID()}@example.com`;

/** Create account from the home page, up to "Check your email"; returns the mails counted before. */
export async function createAccount(page: Page, email: string, password: string): Promise<number> {
  await page.goto(siteUrl());
  await arriveAt(page, 'One account for the services you use');
  await follow(page, link(page.getByRole('main'), 'Create account'));
  await arriveAt(page, 'Create account');
  const before = (await mailsTo(email)).length;
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Create account'));
  await arriveAt(page, 'Check your email');
  await eventually(
    () => page.getByRole('main').textContent(),
    (text) => expect(text).toContain(email),
  );
  return before;
}

/**
 * Opens the confirmation link of the newest such mail, enters the password, Continue, and
 * arrives where that leads: a new account goes on to "Set up multi-factor authentication", an
 * added email to the second step of sign-in ("Enter the 6-digit code").
 */
export async function confirmFromMail(
  page: Page,
  email: string,
  password: string,
  mail: { subject: string; after: number },
  then: string,
): Promise<void> {
  await page.goto(linkIn(await newestMail(email, mail), '/confirm-email'));
  await arriveAt(page, 'Confirm your email');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Continue'));
  await arriveAt(page, then);
}

/**
 * A new account with its email confirmed and an authenticator app set up as its first method;
 * the browser ends signed in on "Sign-in and security" in My Account, where the codes led.
 */
export async function createMember(
  page: Page,
  email: string,
  password: string,
  methodName?: string,
): Promise<Authenticator> {
  const after = await createAccount(page, email, password);
  await confirmFromMail(
    page,
    email,
    password,
    { subject: SUBJECTS.signUp, after },
    'Set up multi-factor authentication',
  );
  return setUpAuthenticatorApp(page, methodName);
}

export async function signOut(page: Page): Promise<void> {
  await follow(page, button(page.getByRole('navigation', { name: 'Primary' }), 'Sign out'));
  await arriveAt(page, 'Sign in');
  await eventually(
    () => page.getByRole('status').textContent(),
    (text) => expect(text).toContain('You signed out'),
  );
}

/** Fills the Sign in form (the page must be showing it) and submits it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Sign in'));
}
