/**
 * Identity verification as a member's browser and an agent's browser walk it, for the bench: the
 * same requests as test/integration/verification/support.ts and its video/support.ts (which are
 * bound to vitest), without their assertions. Pictures go to the real s3rver through the upload
 * forms of the documents page, codes are read from the local text outbox, the sandbox vendors
 * decide, and the agent signs in through the hosted workforce sign-in page.
 */
import { generate } from 'otplib';
import { readTextOutbox } from '../../lib/local/text-outbox.ts';
import { PICTURE } from '../../test/support/verification-sample.ts';
import type { Answer, BenchBrowser, BenchMember } from './verity-oidc.ts';
import { formsOf } from './verity-oidc.ts';

export type Part = 'front' | 'back' | 'selfie';

/** The answer, if it is the one expected; otherwise an error that says where the browser ended. */
export function expectAnswer(answer: Answer, status: number, location?: string | RegExp): Answer {
  const where =
    location === undefined ||
    (typeof location === 'string' ? answer.location === location : location.test(answer.location ?? ''));
  if (answer.status === status && where) return answer;
  const heading = /<h1\b[^>]*>([\s\S]*?)<\/h1>/
    .exec(answer.html)?.[1]
    ?.replace(/<[^>]*>/g, '')
    .trim();
  throw new Error(
    `expected ${status}${location ? ` to ${location}` : ''}, got ${answer.status} ${answer.location ?? ''} "${heading ?? answer.html.slice(0, 200)}"`,
  );
}

/** Sign in with the password and the authenticator code: the session is at AAL2. */
export async function signInMember(browser: BenchBrowser, member: BenchMember): Promise<void> {
  const form = expectAnswer(await browser.get('/sign-in'), 200);
  const password = expectAnswer(
    await browser.submit(form, '/sign-in', { email: member.email, password: member.password }),
    303,
    /^\/mfa/,
  );
  const challenge = expectAnswer(await browser.follow(password), 200);
  expectAnswer(
    await browser.submit(challenge, '/mfa', { code: await generate({ secret: member.totpSecret }) }),
    303,
  );
}

/**
 * The upload form of one picture on the documents page, posted as the browser posts it (its hidden
 * fields, then the file) to s3rver; answers where S3 sends the browser back (path and query).
 */
export async function uploadToBucket(documents: Answer, part: Part, siteUrl: string): Promise<string> {
  const form = formsOf(documents.html).find((f) => f.hidden.key?.endsWith(`/${part}`));
  if (!form) throw new Error(`no upload form for the ${part} on the documents page`);
  const body = new FormData();
  for (const [name, value] of Object.entries(form.hidden)) body.append(name, value);
  body.append('file', new Blob([PICTURE], { type: 'image/jpeg' }), `${part}.jpg`);
  const uploaded = await fetch(form.action, { method: 'POST', body, redirect: 'manual' });
  const location = uploaded.headers.get('location');
  if (uploaded.status < 300 || uploaded.status >= 400 || !location) {
    throw new Error(`the bucket answered the ${part} with ${uploaded.status}: ${await uploaded.text()}`);
  }
  const back = new URL(location, siteUrl);
  if (back.origin !== new URL(siteUrl).origin)
    throw new Error(`the bucket sent the browser to ${back.origin}`);
  return back.pathname + back.search;
}

/** The code of the newest text to this number, from the local text outbox. */
export async function latestCode(outboxFile: string, e164: string): Promise<string> {
  const texts = (await readTextOutbox(outboxFile))
    .filter((t) => t.to === e164)
    .sort((a, b) => b.at.localeCompare(a.at));
  const code = texts[0] ? /^(\d{6}) /.exec(texts[0].message)?.[1] : undefined;
  if (!code) throw new Error(`no code texted to ${e164}`);
  return code;
}

/** An agent signed in to the console through its hosted sign-in page. */
export async function signInAgent(
  browser: BenchBrowser,
  agent: { readonly username: string; readonly password: string },
): Promise<void> {
  const form = expectAnswer(await browser.get('/agent/sign-in'), 200);
  expectAnswer(
    await browser.submit(form, '/agent/sign-in', { username: agent.username, password: agent.password }),
    303,
    '/agent',
  );
}
