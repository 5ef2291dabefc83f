/**
 * What both partners do first at their redirect URI: find the authorization request the `state`
 * belongs to (refusing any answer to a request this browser did not start), and turn an error
 * answer into the partner's own page.
 */
import type { IncomingMessage } from 'node:http';
import * as client from 'openid-client';
import { html, page } from './html.ts';
import { Answer } from './http.ts';
import type { PendingAuthorization } from './oidc.ts';
import type { Session, Sessions } from './sessions.ts';

export interface App {
  readonly name: string;
  readonly home: string;
}

export function answerPage(app: App, status: number, title: string, message: string): Answer {
  return new Answer(
    status,
    page({ title, app, body: html`<p>${message}</p><p><a href="${app.home}">Back to ${app.name}</a></p>` }),
  );
}

/** The request's query, the pending request its `state` names, and the session both belong to. */
export function callbackOf<T>(
  app: App,
  sessions: Sessions<T>,
  request: IncomingMessage,
): { query: URLSearchParams; session: Session<T>; pending: PendingAuthorization } {
  const query = new URL(request.url ?? '/', 'http://demo.invalid').searchParams;
  const session = sessions.find(request);
  const pending = sessions.take(session, query.get('state'));
  if (!session || !pending) {
    throw answerPage(
      app,
      400,
      'This sign-in was not started here',
      `${app.name} did not start this sign-in in this browser, or started it too long ago. Nothing was signed in. Start again from ${app.name}.`,
    );
  }
  const error = query.get('error');
  if (error === 'access_denied') {
    throw answerPage(
      app,
      403,
      'You did not share your information',
      `You selected Deny on the Authorize screen, so Verity did not share anything with ${app.name} and you are not signed in.`,
    );
  }
  if (error !== null) {
    const description = query.get('error_description');
    throw answerPage(
      app,
      400,
      'Sign-in with Verity did not work',
      `Verity answered with the error "${error}"${description ? `: ${description}` : ''}. You are not signed in.`,
    );
  }
  return { query, session, pending };
}

/** A failure of the code exchange or of userinfo, as the partner's page (details go to the log). */
export function exchangeFailed(app: App, error: unknown): Answer {
  const code =
    error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError
      ? error.error
      : undefined;
  process.stderr.write(`${app.name}: sign-in with Verity failed: ${(error as Error).message ?? error}\n`);
  return answerPage(
    app,
    502,
    'Sign-in with Verity did not work',
    `${app.name} could not complete the sign-in with Verity${code ? ` (error "${code}")` : ''}. You are not signed in. Try again.`,
  );
}

/** Discovery failed: Verity is not up, or not answering. */
export function verityUnreachable(app: App, error: unknown): Answer {
  process.stderr.write(`${app.name}: Verity's discovery failed: ${(error as Error).message ?? error}\n`);
  return answerPage(
    app,
    503,
    'Verity is not answering',
    `${app.name} could not reach Verity to start the sign-in. Make sure Verity is running, then try again.`,
  );
}
