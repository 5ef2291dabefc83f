/**
 * Identity verification over HTTP against the local Verity, as a member's browser walks it:
 * pictures go to the real s3rver through the upload forms of the documents page (S3 then sends
 * the browser back), codes are read from the local text outbox, and the sandbox vendors decide.
 */
import { expect, inject } from 'vitest';
import type { Ports } from '../../../lambdas/core/ports.ts';
import { fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../../lambdas/keys/pepper.ts';
import type { OutboxText } from '../../../lambdas/mfa/texts.ts';
import type { EvidencePart } from '../../../lambdas/verification/ports.ts';
import { evidenceClient, s3EvidenceStore } from '../../../lambdas/verification/vendors/s3-evidence.ts';
import { sandboxVendors } from '../../../lambdas/verification/vendors/sandbox.ts';
import { PICTURE, sampleDetails } from '../../support/verification-sample.ts';
import { type Browser, formsOf, type Page, site } from '../accounts/support.ts';

const verity = inject('verity');

/** A sandbox description file: what the vendors find in "this picture". */
export const described = (description: Record<string, unknown>): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(description));

/** The ports a test runs domain functions with: the local keys, the real bucket, the sandbox vendors. */
export function testPorts(): Pick<Ports, 'cipher' | 'pepper' | 'vendors'> {
  const evidence = s3EvidenceStore({ bucket: verity.evidenceBucket, client: evidenceClient() });
  return {
    cipher: fieldCipherFromEnvironment(),
    pepper: pepperFromEnvironment(),
    vendors: { evidence, ...sandboxVendors(evidence) },
  };
}

export { newPhone, PICTURE, passingSsn, sampleDetails } from '../../support/verification-sample.ts';

/** Both consents on Before you start: the documents page. */
export async function startVerifying(browser: Browser, path = '/verify/start'): Promise<Page> {
  const start = await browser.get(path);
  expect(start.status, start.text).toBe(200);
  const started = await browser.submit(
    start,
    { action: '/verify/start' },
    { consent: 'yes', biometricConsent: 'yes' },
  );
  expect(started.status, started.text).toBe(303);
  return documentsPage(browser);
}

export async function documentsPage(browser: Browser): Promise<Page> {
  const page = await browser.get('/verify/documents');
  expect(page.status, page.text).toBe(200);
  return page;
}

export async function chooseDocument(browser: Browser, type: 'drivers-license' | 'passport'): Promise<Page> {
  const page = await documentsPage(browser);
  const chosen = await browser.submit(page, { action: '/verify/documents/type' }, { documentType: type });
  expect(chosen.status, chosen.text).toBe(303);
  return documentsPage(browser);
}

/** The upload form of one picture on the documents page: it posts straight to the bucket. */
export function uploadFormOf(page: Page, part: EvidencePart) {
  const form = formsOf(page.html).find((f) => f.hidden.key?.endsWith(`/${part}`));
  if (!form) throw new Error(`no upload form for the ${part} on "${page.heading}"`);
  return form;
}

/**
 * Uploads a picture as the browser's form does (hidden fields, then the file), to s3rver, and
 * follows S3's redirect back to Verity; answers the documents page after it.
 */
export async function upload(browser: Browser, part: EvidencePart, bytes: Uint8Array): Promise<Page> {
  const form = uploadFormOf(await documentsPage(browser), part);
  expect(form.action.startsWith(verity.endpoints.s3), 'the form posts to the evidence bucket').toBe(true);
  const body = new FormData();
  for (const [name, value] of Object.entries(form.hidden)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `${part}.jpg`);
  const uploaded = await fetch(form.action, { method: 'POST', body, redirect: 'manual' });
  expect([303, 302, 301]).toContain(uploaded.status);
  const back = new URL(uploaded.headers.get('location') ?? '', site);
  expect(back.origin).toBe(new URL(site).origin);
  const returned = await browser.get(back.pathname + back.search);
  expect(returned.status, returned.text).toBe(303);
  return browser.follow(returned);
}

export interface Pictures {
  readonly type?: 'drivers-license' | 'passport';
  readonly front?: Uint8Array;
  readonly back?: Uint8Array;
  readonly selfie?: Uint8Array;
}

/** Chooses the document, uploads every picture and presses Check my ID and selfie; answers where it leads. */
export async function throughDocuments(browser: Browser, pictures: Pictures = {}): Promise<Page> {
  const type = pictures.type ?? 'drivers-license';
  await chooseDocument(browser, type);
  await upload(browser, 'front', pictures.front ?? PICTURE);
  if (type === 'drivers-license') await upload(browser, 'back', pictures.back ?? PICTURE);
  const page = await upload(browser, 'selfie', pictures.selfie ?? PICTURE);
  const checked = await browser.submit(page, { button: 'Check my ID and selfie' });
  expect(checked.status, checked.text).toBe(303);
  return browser.follow(checked);
}

/** Fills in and confirms the details page; answers where it leads. */
export async function throughDetails(browser: Browser, fields: Record<string, string>): Promise<Page> {
  const page = await browser.get('/verify/details');
  expect(page.status, page.text).toBe(200);
  return browser.submit(page, { action: '/verify/details' }, fields);
}

/** Every text and call to this number, newest first. */
export async function textsTo(e164: string): Promise<OutboxText[]> {
  const response = await fetch(`${site}/_local/texts.json`);
  const { texts } = (await response.json()) as { texts: OutboxText[] };
  return texts.filter((t) => t.to === e164);
}

export async function latestCode(e164: string): Promise<string> {
  const [newest] = await textsTo(e164);
  const code = newest ? /^(\d{6}) /.exec(newest.message)?.[1] : undefined;
  if (!code) throw new Error(`no code texted to ${e164}`);
  return code;
}

/** Send code, then the code from the phone: answers the page the code leads to. */
export async function throughPhone(browser: Browser, e164: string): Promise<Page> {
  const page = await browser.get('/verify/phone');
  expect(page.status, page.text).toBe(200);
  const sent = await browser.submit(page, { button: 'Send code' });
  expect(sent.status, sent.text).toBe(303);
  const codePage = await browser.follow(sent);
  return browser.submit(codePage, { button: 'Confirm phone' }, { code: await latestCode(e164) });
}

/** The whole self-service flow with the sample identity; answers the result page. */
export async function verifyWithSandbox(
  browser: Browser,
  details = sampleDetails(),
  pictures: Pictures = {},
  startPath = '/verify/start',
): Promise<Page> {
  await startVerifying(browser, startPath);
  const documents = await throughDocuments(browser, pictures);
  expect(documents.heading, documents.text).toBe('Your information');
  const confirmed = await throughDetails(browser, details.fields);
  expect(confirmed.status, confirmed.text).toBe(303);
  const finished = await throughPhone(browser, details.phone.e164);
  expect(finished.status, finished.text).toBe(303);
  return browser.follow(finished);
}

/** Whether an object is in the evidence bucket. */
export async function inBucket(key: string): Promise<boolean> {
  return (await testPorts().vendors.evidence.describe(key)) !== undefined;
}
