/**
 * Demo XMS at /xms/: a partner with accounts of its own that members can link to Verity.
 * `private_key_jwt`, scope `openid email`, and a `login_hint` with every request (Verity holds
 * it to the member's primary email for this partner).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { looksLikeEmail, MIN_PASSWORD_LENGTH, type XmsAccount, XmsAccounts } from './accounts.ts';
import { type App, answerPage, callbackOf, exchangeFailed, verityUnreachable } from './callback.ts';
import type { DemoPartners } from './config.ts';
import { csrfField, type Html, html, page, problem } from './html.ts';
import { type Route, readForm, redirect, sendPage } from './http.ts';
import { privateKeyJwt, RelyingParty, type SignedIn } from './oidc.ts';
import { type Session, Sessions } from './sessions.ts';
import { signOutRoutes } from './sign-out.ts';

interface XmsSession {
  accountId?: string;
  /** The ID token of the Verity sign-in, for RP-initiated logout. */
  idToken?: string;
}

const app: App = { name: 'Demo XMS', home: '/xms/' };

interface HomeProblems {
  readonly verity?: string;
  readonly signIn?: string;
  readonly create?: string;
  /** What was typed, shown again with the problem. */
  readonly email?: string;
}

function homePage(
  session: Session<XmsSession>,
  account: XmsAccount | undefined,
  problems: HomeProblems = {},
) {
  if (account) {
    return page({
      title: 'Welcome to Demo XMS',
      app,
      body: html`<p>You are signed in to XMS as <strong>${account.email}</strong>.</p>
<ul><li><a href="/xms/dashboard">Dashboard</a></li><li><a href="/xms/profile">My Profile</a></li></ul>
${signOutForm(session)}`,
    });
  }
  const typed = (field: keyof HomeProblems) => (problems[field] ? problems.email : undefined);
  return page({
    title: 'Welcome to Demo XMS',
    app,
    body: html`<section aria-labelledby="verity-heading">
<h2 id="verity-heading">Sign in with Verity</h2>
${problem(problems.verity)}
<form method="post" action="/xms/verity">
${csrfField(session.csrf)}
<label for="verity-email">Email address</label>
<input id="verity-email" name="email" type="email" autocomplete="email" required value="${typed('verity')}">
<button type="submit">Sign in with Verity</button>
</form>
</section>
<section aria-labelledby="sign-in-heading">
<h2 id="sign-in-heading">Sign in to XMS</h2>
${problem(problems.signIn)}
<form method="post" action="/xms/sign-in">
${csrfField(session.csrf)}
<label for="sign-in-email">Email address</label>
<input id="sign-in-email" name="email" type="email" autocomplete="username" required value="${typed('signIn')}">
<label for="sign-in-password">Password</label>
<input id="sign-in-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in to XMS</button>
</form>
</section>
<section aria-labelledby="create-heading">
<h2 id="create-heading">Create an XMS account</h2>
${problem(problems.create)}
<form method="post" action="/xms/accounts">
${csrfField(session.csrf)}
<label for="create-email">Email address</label>
<input id="create-email" name="email" type="email" autocomplete="email" required value="${typed('create')}">
<label for="create-password">Password</label>
<p id="create-password-hint">At least ${MIN_PASSWORD_LENGTH} characters.</p>
<input id="create-password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="create-password-hint">
<button type="submit">Create an XMS account</button>
</form>
</section>`,
  });
}

const signOutForm = (session: Session<XmsSession>): Html =>
  html`<form method="post" action="/xms/sign-out">${csrfField(session.csrf)}<button type="submit" class="secondary">Sign out</button></form>`;

const linkedText = (account: XmsAccount) => (account.veritySub ? 'Verity is linked' : 'Verity is not linked');

export function xmsRoutes(partners: DemoPartners, issuer: string): Map<string, Route> {
  const accounts = new XmsAccounts();
  const sessions: Sessions<XmsSession> = new Sessions<XmsSession>('xms_session', '/xms', () => ({}));
  const verity = new RelyingParty({
    issuer,
    clientId: partners.xms.client_id,
    redirectUri: partners.xms.redirect_uri,
    postLogoutRedirectUri: partners.xms.post_logout_redirect_uri,
    scope: 'openid email',
    authentication: privateKeyJwt(partners.xms.private_jwk),
  });
  const seeded = accounts.create(partners.xms.account.email, { password: partners.xms.account.password });

  const signedIn = (session: Session<XmsSession> | undefined) => accounts.byId(session?.data.accountId);

  /** The signed-in account, or back to the home page. */
  const accountOr = (request: IncomingMessage, response: ServerResponse) => {
    const session = sessions.find(request);
    const account = signedIn(session);
    if (!session || !account) redirect(response, '/xms/');
    return session && account ? { session, account } : undefined;
  };

  const startVerity = async (
    response: ServerResponse,
    session: Session<XmsSession>,
    loginHint: string,
    purpose: { purpose: 'sign-in' | 'link'; accountId?: string },
  ) => {
    let started: Awaited<ReturnType<RelyingParty['authorizationRequest']>>;
    try {
      started = await verity.authorizationRequest(purpose, { login_hint: loginHint });
    } catch (error) {
      throw verityUnreachable(app, error);
    }
    sessions.remember(session, started.pending);
    redirect(response, started.url);
  };

  const routes = new Map<string, Route>();

  routes.set('GET /xms/', async (request, response) => {
    await seeded;
    const session = sessions.ensure(request, response);
    sendPage(response, 200, homePage(session, signedIn(session)));
  });

  routes.set('POST /xms/verity', async (request, response) => {
    const form = await readForm(request);
    const session = sessions.find(request);
    sessions.checkForm(session, form);
    const email = (form.get('email') ?? '').trim();
    if (!looksLikeEmail(email)) {
      const message = 'Enter your email address, like name@example.com.';
      return sendPage(response, 400, homePage(session, undefined, { verity: message, email }));
    }
    await startVerity(response, session, email, { purpose: 'sign-in' });
  });

  routes.set('POST /xms/sign-in', async (request, response) => {
    await seeded;
    const form = await readForm(request);
    const session = sessions.find(request);
    sessions.checkForm(session, form);
    const email = (form.get('email') ?? '').trim();
    const account = await accounts.signIn(email, form.get('password') ?? '');
    if (!account) {
      const message = 'That email and password do not match an XMS account.';
      return sendPage(response, 401, homePage(session, undefined, { signIn: message, email }));
    }
    sessions.replace(response, session, { accountId: account.id });
    redirect(response, '/xms/dashboard');
  });

  routes.set('POST /xms/accounts', async (request, response) => {
    await seeded;
    const form = await readForm(request);
    const session = sessions.find(request);
    sessions.checkForm(session, form);
    const email = (form.get('email') ?? '').trim();
    const password = form.get('password') ?? '';
    const refuse = (create: string) =>
      sendPage(response, 400, homePage(session, undefined, { create, email }));
    if (!looksLikeEmail(email)) return refuse('Enter an email address, like name@example.com.');
    if (password.length < MIN_PASSWORD_LENGTH) {
      return refuse(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    const account = await accounts.create(email, { password });
    if (account === 'taken') return refuse('An XMS account already uses that email. Sign in to XMS instead.');
    sessions.replace(response, session, { accountId: account.id });
    redirect(response, '/xms/profile');
  });

  routes.set('GET /xms/dashboard', async (request, response) => {
    const found = accountOr(request, response);
    if (!found) return;
    sendPage(
      response,
      200,
      page({
        title: 'Dashboard',
        app,
        body: html`<p>Signed in as <strong>${found.account.email}</strong>.</p>
<p>${linkedText(found.account)}.</p>
<ul><li><a href="/xms/profile">My Profile</a></li></ul>
${signOutForm(found.session)}`,
      }),
    );
  });

  routes.set('GET /xms/profile', async (request, response) => {
    const found = accountOr(request, response);
    if (!found) return;
    const { account, session } = found;
    const link = account.veritySub
      ? html`<div class="success"><p>Verity is linked</p></div>
<p>You can sign in to XMS with Verity from the home page.</p>`
      : html`<p>Link your Verity account to sign in to XMS with Verity. Verity will ask you to sign in as ${account.email}.</p>
<form method="post" action="/xms/link">${csrfField(session.csrf)}<button type="submit">Sign in with Verity</button></form>`;
    sendPage(
      response,
      200,
      page({
        title: 'My Profile',
        app,
        body: html`<dl><dt>Email address</dt><dd>${account.email}</dd></dl>
<section aria-labelledby="link-heading">
<h2 id="link-heading">Link Verity credentials</h2>
${link}
</section>
<ul><li><a href="/xms/dashboard">Dashboard</a></li></ul>
${signOutForm(session)}`,
      }),
    );
  });

  routes.set('POST /xms/link', async (request, response) => {
    const form = await readForm(request);
    const session = sessions.find(request);
    sessions.checkForm(session, form);
    const account = signedIn(session);
    if (!account) return redirect(response, '/xms/');
    await startVerity(response, session, account.email, { purpose: 'link', accountId: account.id });
  });

  routes.set('GET /xms/callback', async (request, response) => {
    await seeded;
    const { query, session, pending } = callbackOf(app, sessions, request);
    let verified: SignedIn;
    try {
      verified = await verity.finish(query, pending);
    } catch (error) {
      throw exchangeFailed(app, error);
    }
    const sub = verified.idTokenClaims.sub;
    const email = [verified.userinfo.email, verified.idTokenClaims.email].find((e) => typeof e === 'string');
    if (pending.purpose === 'link') {
      const account = accounts.byId(pending.accountId);
      if (!account || session.data.accountId !== account.id) {
        throw answerPage(
          app,
          403,
          'Sign in to XMS first',
          'Sign in to XMS again, then link Verity from My Profile.',
        );
      }
      if (email !== undefined && email.toLowerCase() !== account.email.toLowerCase()) {
        throw answerPage(
          app,
          409,
          'Verity signed in someone else',
          `Verity signed in ${email}, not ${account.email}. Nothing was linked.`,
        );
      }
      if (accounts.link(account, sub) === 'linked-elsewhere') {
        throw answerPage(
          app,
          409,
          'That Verity account is linked to another XMS account',
          'This Verity account already signs in to a different XMS account. Nothing was linked.',
        );
      }
      sessions.replace(response, session, { accountId: account.id, idToken: verified.idToken });
      return redirect(response, '/xms/profile');
    }
    let account = accounts.bySub(sub);
    if (!account) {
      if (email === undefined) {
        throw answerPage(
          app,
          502,
          'Verity did not share your email',
          'Demo XMS needs your email address to create your XMS account.',
        );
      }
      const created = await accounts.create(email, { veritySub: sub });
      if (created === 'taken') {
        throw answerPage(
          app,
          409,
          'An XMS account already uses this email',
          `An XMS account already uses ${email}. Sign in to XMS with its password, then link Verity from My Profile.`,
        );
      }
      account = created;
    }
    sessions.replace(response, session, { accountId: account.id, idToken: verified.idToken });
    redirect(response, '/xms/dashboard');
  });

  signOutRoutes(routes, {
    app,
    base: '/xms',
    sessions,
    verity,
    idTokenOf: (session) => session.data.idToken,
  });

  routes.set('GET /xms', async (_request, response) => redirect(response, '/xms/'));
  return routes;
}
