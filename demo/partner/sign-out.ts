/**
 * Sign out, the same for both partners: the partner's own session ends, then RP-initiated logout
 * at Verity (which asks the member and comes back to the partner's signed-out page).
 */

import type { App } from './callback.ts';
import { html, page } from './html.ts';
import { type Route, readForm, redirect, sendPage } from './http.ts';
import type { RelyingParty } from './oidc.ts';
import type { Session, Sessions } from './sessions.ts';

export function signOutRoutes<T>(
  routes: Map<string, Route>,
  options: {
    readonly app: App;
    /** The partner's path, `/xms` or `/irs`. */
    readonly base: string;
    readonly sessions: Sessions<T>;
    readonly verity: RelyingParty;
    readonly idTokenOf: (session: Session<T>) => string | undefined;
  },
): void {
  const { app, base, verity } = options;
  // Declared with its type: TypeScript's assertion signatures (checkForm) want that.
  const sessions: Sessions<T> = options.sessions;
  routes.set(`POST ${base}/sign-out`, async (request, response) => {
    const form = await readForm(request);
    const session = sessions.find(request);
    sessions.checkForm(session, form);
    const idToken = options.idTokenOf(session);
    sessions.end(response, session);
    const atVerity = idToken ? await verity.endSessionUrl(idToken).catch(() => undefined) : undefined;
    redirect(response, atVerity ?? `${base}/signed-out`);
  });
  routes.set(`GET ${base}/signed-out`, async (_request, response) => {
    const body = html`<p>You are signed out of ${app.name}.</p><p><a href="${app.home}">Back to ${app.name}</a></p>`;
    sendPage(response, 200, page({ title: 'You are signed out', app, body }));
  });
}
