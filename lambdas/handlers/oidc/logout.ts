/**
 * One sign-out for both sessions. RP-initiated logout (a partner's Sign out, confirmed by the
 * member) ends the Verity session of the browser too; Verity's own Sign out ends the provider's
 * session (lambdas/handlers/sign-in).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { deleteCookie, readCookies } from '../../http/cookies.ts';
import { CSRF_COOKIE } from '../../http/csrf.ts';
import { FORM_ACTION_HEADER, formsLeadTo } from '../../http/security-headers.ts';
import { parseSessionCookie, SESSION_COOKIE } from '../../sessions/session.ts';
import { endSession } from '../../store/sessions.ts';

const ENDS_VERITY = Symbol('ends the Verity session');

export function endVeritySessionOnLogout(provider: Provider): void {
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    // "Sign out", not "Stay signed in" (which only ends the partner's part of the session).
    if (ctx.oidc.params?.logout) (ctx.state as Record<symbol, boolean>)[ENDS_VERITY] = true;
  });
  provider.use(async (ctx, next) => {
    await next();
    if (!(ctx.state as Record<symbol, boolean>)[ENDS_VERITY]) return;
    const key = parseSessionCookie(readCookies([ctx.get('cookie')])[SESSION_COOKIE]);
    if (key) await endSession(key.accountId, key.keyHash);
    ctx.append('Set-Cookie', [deleteCookie(SESSION_COOKIE), deleteCookie(CSRF_COOKIE)]);
  });
}

/**
 * The "Sign out from <partner>?" page: its form ends with a redirect to the partner's
 * post-logout redirect URI, which the page's form-action must allow.
 */
export function letSignOutLeadToPartner(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    const client = ctx.oidc?.route === 'end_session' ? ctx.oidc.client : undefined;
    if (!client || !ctx.response.is('html')) return;
    const headers = formsLeadTo({} as Record<string, string>, client.postLogoutRedirectUris ?? []);
    if (headers[FORM_ACTION_HEADER]) ctx.set(FORM_ACTION_HEADER, headers[FORM_ACTION_HEADER]);
  });
}
