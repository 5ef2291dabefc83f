/**
 * My Account over HTTP: its three parts (Profile, Sign-in and security, Connected partners), each
 * one step from the others, only for a member who passed both steps; Disconnect on Connected
 * partners, which wants a recent sign-in and a well-formed partner id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as mfaStore from '../../../lambdas/store/mfa.ts';
import {
  Browser,
  createMember,
  findForm,
  type Member,
  type Page,
  signedIn,
  signedInMinutesAgo,
  uniqueEmail,
} from './support.ts';

const PARTS = [
  ['Profile', '/account'],
  ['Sign-in and security', '/account/security'],
  ['Connected partners', '/account/partners'],
] as const;

/** The links of the My Account navigation: [name, path, aria-current]. */
function accountNav(page: Page): [string, string, string | undefined][] {
  const nav = /<nav aria-labelledby="account-nav-name">([\s\S]*?)<\/nav>/.exec(page.html)?.[1] ?? '';
  return [
    ...nav.matchAll(/<a href="([^"]+)"(?: class="usa-current" aria-current="([^"]+)")?>([^<]+)<\/a>/g),
  ].map((m) => [m[3] as string, m[1] as string, m[2]]);
}

let member: Member;
let browser: Browser;
beforeAll(async () => {
  member = await createMember({ confirmed: [uniqueEmail('my-account')] });
  browser = await signedIn(member);
});

describe('My Account', () => {
  it('shows each part under its name, with the other two one step away', async () => {
    for (const [name, path] of PARTS) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.heading).toBe(name);
      expect(page.html).toContain(`<title>${name} | My Account | Verity</title>`);
      expect(accountNav(page)).toEqual(PARTS.map(([n, p]) => [n, p, n === name ? 'page' : undefined]));
    }
  });

  it('is for members who passed both steps: anyone else goes to Sign in and comes back', async () => {
    const visitor = new Browser();
    for (const [, path] of PARTS) {
      const page = await visitor.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });
});

describe('Connected partners', () => {
  it('says how a partner gets here while there is none', async () => {
    const page = await browser.get('/account/partners');
    expect(page.text).toContain(
      'You have not connected any partners yet. When you sign in to a partner with Verity and select Allow, it appears here.',
    );
  });

  it('Disconnect of a partner the member is not connected to says so, with a 404 page', async () => {
    await browser.get('/account/partners');
    const page = await browser.post('/account/partners/disconnect', { clientId: 'P'.repeat(22) });
    expect(page.status).toBe(404);
    expect(page.text).toContain('That partner is not connected to your account');
  });

  it('Disconnect refuses a partner id that is not one, with a 400 page', async () => {
    await browser.get('/account/partners');
    for (const clientId of [undefined, '', 'short', 'P'.repeat(23), `${'P'.repeat(21)}!`]) {
      const page = await browser.post(
        '/account/partners/disconnect',
        clientId === undefined ? {} : { clientId },
      );
      expect(page.status, String(clientId)).toBe(400);
      expect(page.text).toContain('Choose one of your connected partners.');
    }
  });

  it('Disconnect wants a recent sign-in, and comes back to Connected partners after the password', async () => {
    const stale = await signedIn(member);
    await signedInMinutesAgo(stale, 21);
    expect((await stale.get('/account/partners')).status, 'the list itself is not sensitive').toBe(200);
    const page = await stale.post('/account/partners/disconnect', { clientId: 'P'.repeat(22) });
    expect(page.status).toBe(303);
    expect(page.location).toBe('/reauthenticate?next=%2Faccount%2Fpartners');
  });
});

describe('Sign-in and security', () => {
  it('shows a name field only for the method the member asked to rename, and Save name renames it', async () => {
    const [method] = await mfaStore.factorsOf(member.accountId);
    if (!method) throw new Error('fixture: the member has an authenticator app');
    const page = await browser.get('/account/security');
    expect(page.heading).toBe('Sign-in and security');
    expect(page.html).toContain(`href="/account/security?rename=${method.factorId}#rename-name"`);
    expect(() => findForm(page, { action: '/mfa/methods/rename' }), 'no name field yet').toThrow();

    for (const other of ['x'.repeat(22), '<script>']) {
      const notOurs = await browser.get(`/account/security?rename=${encodeURIComponent(other)}`);
      expect(notOurs.status).toBe(200);
      expect(() => findForm(notOurs, { action: '/mfa/methods/rename' }), other).toThrow();
    }

    const asked = await browser.get(`/account/security?rename=${method.factorId}`);
    const form = findForm(asked, { action: '/mfa/methods/rename', button: 'Save name' });
    expect(form.hidden.factor).toBe(method.factorId);
    expect(form.inputs).toContain('name');
    const done = await browser.submit(asked, { action: '/mfa/methods/rename' }, { name: 'Work phone app' });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account/security?notice=mfa-renamed');
    const after = await browser.follow(done);
    expect(after.text).toContain('The sign-in method was renamed.');
    expect(after.text).toContain('Work phone app');
  });
});
