/**
 * The demo partner app's own rules, over a real socket, against a stand-in issuer
 * (./fake-issuer.ts): what its authorization requests carry, what it refuses at its redirect
 * URIs, Demo XMS's own accounts and its links to Verity subjects, Demo IRS's claims page, and
 * RP-initiated logout. The same flows against Verity itself are end-to-end tests.
 */
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPartners, startDemoPartner } from '../../../demo/partner/index.ts';
import { freePort } from '../../../lib/local/processes.ts';
import { Browser, type Visit } from './browser.ts';
import { type FakeIssuer, startFakeIssuer } from './fake-issuer.ts';

const IAL2 = 'http://idmanagement.gov/ns/assurance/ial/2';
const SEEDED = { email: 'member@verity.local', password: 'seeded xms password' };

let issuer: FakeIssuer;
let app: { server: Server; url: string };
let partners: DemoPartners;

/** Starts the demo partner for an issuer; its URLs are on a port chosen first, as npm start does. */
async function startApp(issuerUrl: string) {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const config: DemoPartners = {
    issuer: issuerUrl,
    xms: {
      client_id: 'demo-xms',
      redirect_uri: `${url}/xms/callback`,
      post_logout_redirect_uri: `${url}/xms/signed-out`,
      private_jwk: { ...(await exportJWK(privateKey)), kid: 'xms-1', alg: 'RS256' },
      account: SEEDED,
    },
    irs: {
      client_id: 'demo-irs',
      client_secret: 'irs secret: with a colon',
      redirect_uri: `${url}/irs/callback`,
      post_logout_redirect_uri: `${url}/irs/signed-out`,
    },
  };
  const started = await startDemoPartner({ port, host: '127.0.0.1', issuer: issuerUrl, partners: config });
  return { ...started, config, publicJwk: await exportJWK(publicKey) };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

beforeAll(async () => {
  // The app's URLs must be known before the issuer (it checks the XMS key): start the issuer on a
  // port taken first, then the app, then point the issuer at the app's public key.
  const issuerPort = await freePort();
  const started = await startApp(`http://localhost:${issuerPort}`);
  app = started;
  partners = started.config;
  issuer = await startFakeIssuer(
    {
      basic: { clientId: 'demo-irs', secret: partners.irs.client_secret },
      privateKeyJwt: { clientId: 'demo-xms', publicJwk: started.publicJwk },
    },
    issuerPort,
  );
});

afterAll(async () => {
  await close(app.server);
  await issuer.close();
});

const origins = () => [app.url, issuer.issuer];

/** From the XMS home page, Sign in with Verity as this email: the redirect to the authorize endpoint. */
async function xmsVerity(browser: Browser, email: string): Promise<Visit> {
  await browser.get(`${app.url}/xms/`);
  return browser.post(`${app.url}/xms/verity`, { email });
}

async function xmsSignIn(browser: Browser, email: string, password: string): Promise<Visit> {
  await browser.get(`${app.url}/xms/`);
  return browser.post(`${app.url}/xms/sign-in`, { email, password });
}

describe('the index', () => {
  it('links both demo partners, in an English page with a heading', async () => {
    const page = await new Browser().get(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toMatch(/<h1>Verity demo partners<\/h1>/);
    expect(page.body).toContain('href="/xms/"');
    expect(page.body).toContain('href="/irs/"');
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${issuer.issuer}`);
  });
});

describe('Demo XMS: the authorization request', () => {
  it('carries PKCE S256, state, nonce, the login_hint, its scope and redirect URI', async () => {
    const started = await xmsVerity(new Browser(), 'someone@example.com');
    expect(started.status).toBe(303);
    const to = started.location as URL;
    expect(`${to.origin}${to.pathname}`).toBe(`${issuer.issuer}/authorize`);
    const q = to.searchParams;
    expect(q.get('client_id')).toBe('demo-xms');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid email');
    expect(q.get('redirect_uri')).toBe(partners.xms.redirect_uri);
    expect(q.get('login_hint')).toBe('someone@example.com');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(q.has('acr_values')).toBe(false);
  });

  it('is new every time: state, nonce and challenge', async () => {
    const browser = new Browser();
    const one = ((await xmsVerity(browser, 'a@example.com')).location as URL).searchParams;
    const two = ((await xmsVerity(browser, 'a@example.com')).location as URL).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) expect(one.get(name)).not.toBe(two.get(name));
  });

  it('needs an email address for the login_hint', async () => {
    const refused = await xmsVerity(new Browser(), 'not an address');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain('Enter your email address');
  });

  it('refuses a form without the CSRF token', async () => {
    const browser = new Browser();
    await browser.get(`${app.url}/xms/`);
    const refused = await browser.post(`${app.url}/xms/verity`, { email: 'a@example.com', _csrf: 'forged' });
    expect(refused.status).toBe(403);
  });
});

describe('Demo XMS: the redirect URI', () => {
  it('refuses an answer with a state it did not start, without asking for tokens', async () => {
    const browser = new Browser();
    await xmsVerity(browser, 'a@example.com');
    const before = issuer.tokenRequests.length;
    const refused = await browser.get(`${app.url}/xms/callback?code=abc&state=not-ours`);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('This sign-in was not started here');
    expect(issuer.tokenRequests.length).toBe(before);
  });

  it("refuses another browser's state", async () => {
    const started = await xmsVerity(new Browser(), 'a@example.com');
    const state = (started.location as URL).searchParams.get('state');
    const other = new Browser();
    await other.get(`${app.url}/xms/`);
    const refused = await other.get(`${app.url}/xms/callback?code=abc&state=${state}`);
    expect(refused.status).toBe(400);
  });

  it('says the member selected Deny for access_denied', async () => {
    const browser = new Browser();
    issuer.next.push({ error: 'access_denied' });
    const page = await browser.follow(await xmsVerity(browser, 'a@example.com'), origins());
    expect(page.status).toBe(403);
    expect(page.body).toContain('You selected Deny on the Authorize screen');
  });

  it('shows other errors as its own page', async () => {
    const browser = new Browser();
    issuer.next.push({ error: 'login_required' });
    const page = await browser.follow(await xmsVerity(browser, 'a@example.com'), origins());
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in with Verity did not work');
    expect(page.body).toContain('login_required');
  });

  it('takes each state once: the same answer again is refused', async () => {
    const browser = new Browser();
    issuer.next.push({ sub: 'replayed', userinfo: { email: 'replay@example.com' } });
    const back = await browser.get((await xmsVerity(browser, 'replay@example.com')).location as URL);
    const first = await browser.get(back.location as URL);
    expect(first.status).toBe(303);
    const again = await browser.get(back.location as URL);
    expect(again.status).toBe(400);
  });
});

describe('Demo XMS: its own accounts', () => {
  it('refuses a wrong password, and an unknown email the same way', async () => {
    const wrong = await xmsSignIn(new Browser(), SEEDED.email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('That email and password do not match an XMS account.');
    const unknown = await xmsSignIn(new Browser(), 'nobody@example.com', 'not the password');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toContain('That email and password do not match an XMS account.');
  });

  it('signs the seeded account in with its password, in a new session', async () => {
    const browser = new Browser();
    await browser.get(`${app.url}/xms/`);
    const before = browser.cookie('xms_session');
    const signedIn = await browser.post(`${app.url}/xms/sign-in`, SEEDED);
    expect(signedIn.location?.pathname).toBe('/xms/dashboard');
    expect(browser.cookie('xms_session')).not.toBe(before);
    expect(signedIn.headers.getSetCookie()[0]).toMatch(/; Path=\/xms; HttpOnly; SameSite=Lax$/);
    const dashboard = await browser.follow(signedIn, origins());
    expect(dashboard.body).toContain(SEEDED.email);
    expect(dashboard.body).toContain('Verity is not linked');
  });

  it('creates an account, and not a second one for the same email', async () => {
    const browser = new Browser();
    await browser.get(`${app.url}/xms/`);
    const created = await browser.post(`${app.url}/xms/accounts`, {
      email: 'new@example.com',
      password: 'long enough',
    });
    expect(created.location?.pathname).toBe('/xms/profile');
    const again = new Browser();
    await again.get(`${app.url}/xms/`);
    const taken = await again.post(`${app.url}/xms/accounts`, {
      email: 'NEW@example.com',
      password: 'long enough',
    });
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('already uses that email');
    const short = await again.post(`${app.url}/xms/accounts`, {
      email: 'short@example.com',
      password: 'short',
    });
    expect(short.status).toBe(400);
  });

  it('keeps the dashboard and profile for signed-in accounts', async () => {
    const browser = new Browser();
    expect((await browser.get(`${app.url}/xms/dashboard`)).location?.pathname).toBe('/xms/');
    expect((await browser.get(`${app.url}/xms/profile`)).location?.pathname).toBe('/xms/');
  });
});

describe('Demo XMS: linking Verity', () => {
  it('links the signed-in account to the Verity subject, which then signs in to it', async () => {
    const browser = new Browser();
    await browser.follow(await xmsSignIn(browser, SEEDED.email, SEEDED.password), origins());
    const profile = await browser.get(`${app.url}/xms/profile`);
    expect(profile.body).toContain('Link Verity credentials');
    const started = await browser.post(`${app.url}/xms/link`);
    expect((started.location as URL).searchParams.get('login_hint')).toBe(SEEDED.email);
    issuer.next.push({ sub: 'verity-member', userinfo: { email: SEEDED.email, email_verified: true } });
    const linked = await browser.follow(started, origins());
    expect(linked.url.pathname).toBe('/xms/profile');
    expect(linked.body).toContain('Verity is linked');
    // The exchange used the XMS key and the PKCE verifier: the stand-in checked both.
    expect(issuer.tokenRequests.at(-1)?.refused).toBeUndefined();
    expect(issuer.tokenRequests.at(-1)?.form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );

    const later = new Browser();
    issuer.next.push({ sub: 'verity-member', userinfo: { email: SEEDED.email } });
    const dashboard = await later.follow(await xmsVerity(later, SEEDED.email), origins());
    expect(dashboard.url.pathname).toBe('/xms/dashboard');
    expect(dashboard.body).toContain(SEEDED.email);
    expect(dashboard.body).toContain('Verity is linked');
  });

  it('refuses to link a Verity sign-in of another email', async () => {
    const browser = new Browser();
    await browser.get(`${app.url}/xms/`);
    await browser.post(`${app.url}/xms/accounts`, { email: 'linker@example.com', password: 'long enough' });
    await browser.get(`${app.url}/xms/profile`);
    issuer.next.push({ sub: 'someone-else', userinfo: { email: 'else@example.com' } });
    const refused = await browser.follow(await browser.post(`${app.url}/xms/link`), origins());
    expect(refused.status).toBe(409);
  });

  it('creates an XMS account from the email claim for a subject it does not know', async () => {
    const browser = new Browser();
    issuer.next.push({
      sub: 'fresh-subject',
      userinfo: { email: 'fresh@example.com', email_verified: true },
    });
    const dashboard = await browser.follow(await xmsVerity(browser, 'fresh@example.com'), origins());
    expect(dashboard.url.pathname).toBe('/xms/dashboard');
    expect(dashboard.body).toContain('fresh@example.com');
    expect(dashboard.body).toContain('Verity is linked');
  });

  it('does not take over an XMS account of the same email that is not linked', async () => {
    const owner = new Browser();
    await owner.get(`${app.url}/xms/`);
    await owner.post(`${app.url}/xms/accounts`, { email: 'owned@example.com', password: 'long enough' });
    const browser = new Browser();
    issuer.next.push({ sub: 'unlinked-subject', userinfo: { email: 'owned@example.com' } });
    const refused = await browser.follow(await xmsVerity(browser, 'owned@example.com'), origins());
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('link Verity from My Profile');
  });

  it('signs out at Verity too, with the ID token and its post-logout redirect URI', async () => {
    const browser = new Browser();
    issuer.next.push({ sub: 'leaving', userinfo: { email: 'leaving@example.com' } });
    await browser.follow(await xmsVerity(browser, 'leaving@example.com'), origins());
    const out = await browser.post(`${app.url}/xms/sign-out`);
    const to = out.location as URL;
    expect(`${to.origin}${to.pathname}`).toBe(`${issuer.issuer}/end-session`);
    expect(to.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(partners.xms.post_logout_redirect_uri);
    expect(browser.cookie('xms_session')).toBeUndefined();
    expect((await browser.get(`${app.url}/xms/dashboard`)).location?.pathname).toBe('/xms/');
  });
});

describe('Demo IRS', () => {
  async function start(button: 'sign-in' | 'verify') {
    const browser = new Browser();
    await browser.get(`${app.url}/irs/`);
    return { browser, started: await browser.post(`${app.url}/irs/${button}`) };
  }

  it('asks for IAL2 only to verify an identity', async () => {
    const signIn = ((await start('sign-in')).started.location as URL).searchParams;
    expect(signIn.get('scope')).toBe('openid email all_emails');
    expect(signIn.get('code_challenge_method')).toBe('S256');
    expect(signIn.has('login_hint')).toBe(false);
    expect(signIn.has('acr_values')).toBe(false);
    const verify = ((await start('verify')).started.location as URL).searchParams;
    expect(verify.get('acr_values')).toBe(IAL2);
  });

  it('shows every claim of the ID token and of userinfo, all_emails as a list', async () => {
    const { browser, started } = await start('verify');
    issuer.next.push({
      sub: 'irs-subject',
      idTokenClaims: { acr: IAL2, amr: ['pwd', 'otp'] },
      userinfo: {
        email: 'first@example.com',
        email_verified: true,
        all_emails: ['first@example.com', 'second@example.com'],
        address: { street_address: '1 Main St', locality: 'Springfield' },
      },
    });
    const claims = await browser.follow(started, origins());
    expect(claims.url.pathname).toBe('/irs/claims');
    expect(issuer.tokenRequests.at(-1)?.authorization).toMatch(/^Basic /);
    expect(issuer.tokenRequests.at(-1)?.refused).toBeUndefined();
    for (const claim of ['sub', 'acr', 'amr', 'nonce', 'all_emails', 'email_verified', 'address']) {
      expect(claims.body).toContain(`<th scope="row"><code>${claim}</code></th>`);
    }
    expect(claims.body).toContain(`<code>${IAL2}</code>`);
    expect(claims.body).toContain(
      '<ul><li><code>first@example.com</code></li><li><code>second@example.com</code></li></ul>',
    );
    expect(claims.body).toContain('<dt>locality</dt><dd><code>Springfield</code></dd>');
  });

  it('refuses an unknown state and says so for access_denied', async () => {
    const browser = new Browser();
    await browser.get(`${app.url}/irs/`);
    expect((await browser.get(`${app.url}/irs/callback?code=x&state=forged`)).status).toBe(400);
    const { browser: denied, started } = await start('sign-in');
    issuer.next.push({ error: 'access_denied' });
    const page = await denied.follow(started, origins());
    expect(page.body).toContain('You selected Deny on the Authorize screen');
  });
});

describe('discovery', () => {
  it('waits for the first sign-in, and tries again after the issuer was down', async () => {
    const port = await freePort();
    const late = await startApp(`http://localhost:${port}`);
    try {
      const browser = new Browser();
      expect((await browser.get(`${late.url}/`)).status).toBe(200);
      await browser.get(`${late.url}/irs/`);
      const down = await browser.post(`${late.url}/irs/sign-in`);
      expect(down.status).toBe(503);
      expect(down.body).toContain('Verity is not answering');
      const up = await startFakeIssuer(
        {
          basic: { clientId: 'demo-irs', secret: 's' },
          privateKeyJwt: { clientId: 'x', publicJwk: late.publicJwk },
        },
        port,
      );
      try {
        const started = await browser.post(`${late.url}/irs/sign-in`);
        expect(started.location?.origin).toBe(up.issuer);
      } finally {
        await up.close();
      }
    } finally {
      await close(late.server);
    }
  });

  it('allows http only for a loopback issuer', async () => {
    await expect(
      startApp('http://verity.example.com').then(async (started) => {
        await close(started.server);
      }),
    ).rejects.toThrow(/https/);
  });
});
