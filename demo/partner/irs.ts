/**
 * Demo IRS at /irs/: a partner that shows everything Verity tells it. `client_secret_basic`,
 * scope `openid email all_emails`; **Verify your identity with Verity** asks for IAL2 through
 * `acr_values`, and for the verified claims (scopes `profile`, `address`, `phone`,
 * `social_security_number`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, callbackOf, exchangeFailed, verityUnreachable } from './callback.ts';
import type { DemoPartners } from './config.ts';
import { csrfField, type Html, html, page } from './html.ts';
import { type Route, readForm, redirect, sendPage } from './http.ts';
import { clientSecretBasic, RelyingParty, type SignedIn } from './oidc.ts';
import { type Session, Sessions } from './sessions.ts';
import { signOutRoutes } from './sign-out.ts';

export const IAL2 = 'http://idmanagement.gov/ns/assurance/ial/2';

interface IrsSession {
  signedIn?: SignedIn;
}

const app: App = { name: 'Demo IRS', home: '/irs/' };

/** Seconds since 1970, the way these claims are given. */
const TIME_CLAIMS = new Set(['iat', 'exp', 'auth_time', 'nbf', 'updated_at']);

function value(name: string, claim: unknown): Html {
  if (Array.isArray(claim)) return html`<ul>${claim.map((item) => html`<li>${value('', item)}</li>`)}</ul>`;
  if (claim !== null && typeof claim === 'object') {
    return html`<dl>${Object.entries(claim).map(([k, v]) => html`<dt>${k}</dt><dd>${value(k, v)}</dd>`)}</dl>`;
  }
  if (TIME_CLAIMS.has(name) && typeof claim === 'number') {
    return html`${claim} (${new Date(claim * 1000).toISOString()})`;
  }
  return html`<code>${typeof claim === 'string' ? claim : JSON.stringify(claim)}</code>`;
}

function claimsTable(id: string, heading: string, claims: Record<string, unknown>): Html {
  const names = Object.keys(claims).sort();
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${heading}</h2>
<table>
<thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>
<tbody>
${names.map((name) => html`<tr><th scope="row"><code>${name}</code></th><td>${value(name, claims[name])}</td></tr>\n`)}
</tbody>
</table>
</section>`;
}

const signOutForm = (session: Session<IrsSession>): Html =>
  html`<form method="post" action="/irs/sign-out">${csrfField(session.csrf)}<button type="submit" class="secondary">Sign out</button></form>`;

export function irsRoutes(partners: DemoPartners, issuer: string): Map<string, Route> {
  const sessions: Sessions<IrsSession> = new Sessions<IrsSession>('irs_session', '/irs', () => ({}));
  const verity = new RelyingParty({
    issuer,
    clientId: partners.irs.client_id,
    redirectUri: partners.irs.redirect_uri,
    postLogoutRedirectUri: partners.irs.post_logout_redirect_uri,
    scope: 'openid email all_emails',
    authentication: clientSecretBasic(partners.irs.client_secret),
  });

  const start = (parameters: Record<string, string>): Route => {
    return async (request: IncomingMessage, response: ServerResponse) => {
      const form = await readForm(request);
      const session = sessions.find(request);
      sessions.checkForm(session, form);
      let started: Awaited<ReturnType<RelyingParty['authorizationRequest']>>;
      try {
        started = await verity.authorizationRequest({ purpose: 'sign-in' }, parameters);
      } catch (error) {
        throw verityUnreachable(app, error);
      }
      sessions.remember(session, started.pending);
      redirect(response, started.url);
    };
  };

  const routes = new Map<string, Route>();

  routes.set('GET /irs/', async (request, response) => {
    const session = sessions.ensure(request, response);
    const signedIn = session.data.signedIn
      ? html`<p>You are signed in with Verity. <a href="/irs/claims">See what Verity shared</a>.</p>${signOutForm(session)}`
      : html``;
    sendPage(
      response,
      200,
      page({
        title: 'Welcome to Demo IRS',
        app,
        body: html`${signedIn}
<section aria-labelledby="sign-in-heading">
<h2 id="sign-in-heading">Sign in</h2>
<p>Sign in with your Verity account. Demo IRS asks Verity for your email addresses.</p>
<form method="post" action="/irs/sign-in">${csrfField(session.csrf)}<button type="submit">Sign in with Verity</button></form>
</section>
<section aria-labelledby="verify-heading">
<h2 id="verify-heading">Verify your identity</h2>
<p>Demo IRS asks Verity for a verified identity (IAL2): your name, date of birth, address, phone number and Social Security number.</p>
<form method="post" action="/irs/verify">${csrfField(session.csrf)}<button type="submit">Verify your identity with Verity</button></form>
</section>`,
      }),
    );
  });

  routes.set('POST /irs/sign-in', start({}));
  // A verified identity, and the verified claims with it.
  routes.set(
    'POST /irs/verify',
    start({
      acr_values: IAL2,
      scope: 'openid email all_emails profile address phone social_security_number',
    }),
  );

  routes.set('GET /irs/callback', async (request, response) => {
    const { query, session, pending } = callbackOf(app, sessions, request);
    let signedIn: SignedIn;
    try {
      signedIn = await verity.finish(query, pending);
    } catch (error) {
      throw exchangeFailed(app, error);
    }
    sessions.replace(response, session, { signedIn });
    redirect(response, '/irs/claims');
  });

  routes.set('GET /irs/claims', async (request, response) => {
    const session = sessions.find(request);
    const signedIn = session?.data.signedIn;
    if (!session || !signedIn) return redirect(response, '/irs/');
    sendPage(
      response,
      200,
      page({
        title: 'What Verity shared with Demo IRS',
        app,
        body: html`<p>You are signed in with Verity as subject <code>${signedIn.idTokenClaims.sub}</code>.</p>
${claimsTable('id-token-heading', 'Claims in the ID token', signedIn.idTokenClaims)}
${claimsTable('userinfo-heading', 'Claims from userinfo', signedIn.userinfo)}
${signOutForm(session)}`,
      }),
    );
  });

  signOutRoutes(routes, {
    app,
    base: '/irs',
    sessions,
    verity,
    idTokenOf: (session) => session.data.signedIn?.idToken,
  });

  routes.set('GET /irs', async (_request, response) => redirect(response, '/irs/'));
  return routes;
}
