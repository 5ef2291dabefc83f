/**
 * The hosted workforce sign-in pages: the password, then the code of the pool's second step;
 * signed in, the workforce session cookie holds the ID token (lambdas/http/workforce-pages.ts).
 */
import {
  answerCode,
  type CodeChallenge,
  signInWithPassword,
  type WorkforceSignIn,
} from '../../agents/sign-in.ts';
import { csrfState } from '../../http/csrf.ts';
import { field } from '../../http/form.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import {
  agentCookie,
  agentCookieCleared,
  agentTokenOf,
  verifiedIdToken,
} from '../../http/workforce-pages.ts';
import { agentAccountNotReadyPage, agentCodePage, agentSignInPage } from '../../pages/agent.tsx';
import type { Request, Route } from './routes.ts';

const PROBLEMS = {
  failed: 'The username or password is not right. Check them and try again.',
  throttled: 'Too many tries. Wait a few minutes and try again.',
  'wrong-code': 'That code is not right. Enter the code your app shows now.',
  expired: 'The sign-in took too long. Sign in again.',
} as const;

/** Where a sign-in goes next: the console with its cookie, the code page, or a page that says why not. */
async function answer(request: Request, result: WorkforceSignIn, username: string): Promise<HttpResult> {
  const csrfToken = request.csrfToken;
  switch (result.kind) {
    case 'signed-in': {
      const claims = await verifiedIdToken(result.idToken);
      if (!claims) return html(agentSignInPage({ csrfToken, username, problem: PROBLEMS.failed }), 401);
      // The token's expiry is on Cognito's clock, the wall clock that also checks it at each request.
      const left = Number(claims.exp) - Math.floor(Date.now() / 1000);
      const response = redirect('/agent');
      // A new CSRF cookie too: no form token outlives a sign-in.
      response.cookies = [
        agentCookie(result.idToken, Math.min(left, result.expiresInSeconds)),
        csrfState({}).setCookie as string,
      ];
      return response;
    }
    case 'code':
      return html(
        agentCodePage({
          csrfToken,
          challenge: result.challenge,
          session: result.session,
          username: result.username,
        }),
      );
    case 'new-password':
    case 'mfa-setup':
      return html(agentAccountNotReadyPage({ reason: result.kind }), 403);
    case 'expired':
      return html(agentSignInPage({ csrfToken, username, problem: PROBLEMS.expired }), 401);
    case 'failed':
      return html(agentSignInPage({ csrfToken, username, problem: PROBLEMS.failed }), 401);
    case 'throttled':
      return html(agentSignInPage({ csrfToken, username, problem: PROBLEMS.throttled }), 429);
    case 'wrong-code':
      return html(agentSignInPage({ csrfToken, username, problem: PROBLEMS['wrong-code'] }), 401);
  }
}

const isChallenge = (value: unknown): value is CodeChallenge =>
  value === 'SOFTWARE_TOKEN_MFA' || value === 'SMS_MFA';

export const signInRoutes: Record<string, Route> = {
  'GET /agent/sign-in': async (request) => {
    // Signed in already (a live cookie): straight to the console, which checks it properly.
    const token = agentTokenOf(request.event.cookies);
    if (token && (await verifiedIdToken(token))) return redirect('/agent');
    return html(agentSignInPage({ csrfToken: request.csrfToken }));
  },

  'POST /agent/sign-in': async (request) => {
    const username = (field(request.body, 'username') ?? '').trim();
    const password = field(request.body, 'password') ?? '';
    return answer(request, await signInWithPassword(username, password), username);
  },

  'POST /agent/sign-in/code': async (request) => {
    const challenge = field(request.body, 'challenge');
    const session = field(request.body, 'session') ?? '';
    const username = field(request.body, 'username') ?? '';
    const code = (field(request.body, 'code') ?? '').replace(/\s/g, '');
    if (!isChallenge(challenge) || !session || !username) return redirect('/agent/sign-in');
    const result = await answerCode({ challenge, session, username, code });
    if (result.kind === 'wrong-code') {
      const problem = PROBLEMS['wrong-code'];
      return html(
        agentCodePage({ csrfToken: request.csrfToken, challenge, session, username, problem }),
        401,
      );
    }
    return answer(request, result, username);
  },

  // Public, so that a stale or broken cookie can always be cleared.
  'POST /agent/sign-out': async () => {
    const response = redirect('/agent/sign-in');
    response.cookies = [agentCookieCleared()];
    return response;
  },
};
