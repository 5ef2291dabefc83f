/**
 * My Account, the signed-in member's account area: Profile (the Email section), Sign-in and
 * security, Connected partners, history and deletion. Change password sets a new password, so it
 * is in the passwords Lambda; managing sign-in methods is in the MFA Lambda.
 */

import { deleteAccount } from '../../accounts/delete-account.ts';
import { checkAccountPassword } from '../../accounts/sign-in.ts';
import { isId } from '../../core/ids.ts';
import type { Ports } from '../../core/ports.ts';
import { problem } from '../../core/problems.ts';
import { addEmail, removeEmail, resendEmailConfirmation, setPrimaryEmail } from '../../emails/manage.ts';
import { memberAccess } from '../../http/access.ts';
import { badRequest } from '../../http/errors.ts';
import { checked, field, formBody, query } from '../../http/form.ts';
import { type HttpRequest, memberOf, routedHandler } from '../../http/handler.ts';
import { requestContext, signedOutCookies } from '../../http/member.ts';
import { backToPartner } from '../../http/partner-return.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import { mailOutbox } from '../../mail/outbox.ts';
import {
  addEmailPage,
  confirmationSentPage,
  deleteAccountPage,
  historyPage,
  profilePage,
} from '../../pages/account.tsx';
import { partnersPage } from '../../pages/account-partners.tsx';
import { securityPage } from '../../pages/account-security.tsx';
import { connectionsOf, disconnect } from '../../partners/connections.ts';
import * as emailStore from '../../store/emails.ts';
import * as historyStore from '../../store/history.ts';
import * as mfa from '../../store/mfa.ts';
import { partnerById } from '../../store/partners.ts';
import * as store from '../../store/profile.ts';
import * as verificationStore from '../../store/verification.ts';
import { identityStatus } from '../../verification/status.ts';

type Request = HttpRequest<Record<string, string> | undefined>;

/** Built once, at module load: the ports of this Lambda's grants (sendsMail, usesPepper). */
const ports = { mail: mailOutbox(), pepper: pepperFromEnvironment() } satisfies Partial<Ports>;

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  'GET /account': async (request) => {
    const back = backToPartner(request.cookies);
    if (back) return back;
    const session = memberOf(request);
    const [profile, emails, identity, attempt] = await Promise.all([
      store.profileOf(session.accountId),
      emailStore.emailsOf(session.accountId),
      verificationStore.identityOf(session.accountId),
      verificationStore.attemptOf(session.accountId),
    ]);
    if (!profile) throw problem({ kind: 'AccountGone' });
    return html(
      profilePage({
        csrfToken: request.csrfToken,
        emails,
        primaryEmail: profile.primaryEmail,
        identity: identityStatus(identity, attempt),
        notice: query(request.event, 'notice'),
      }),
    );
  },

  'GET /account/security': async (request) => {
    const back = backToPartner(request.cookies);
    if (back) return back;
    const session = memberOf(request);
    const [profile, factors, recoveryCodesLeft] = await Promise.all([
      store.profileOf(session.accountId),
      mfa.factorsOf(session.accountId),
      mfa.recoveryCodesLeft(session.accountId),
    ]);
    if (!profile) throw problem({ kind: 'AccountGone' });
    // Rename shows one method's name field; a method not on the account shows none.
    const rename = query(request.event, 'rename');
    const renaming = factors.find((factor) => factor.factorId === rename)?.factorId;
    return html(
      securityPage({
        csrfToken: request.csrfToken,
        factors,
        mfaPrimary: profile.mfaPrimary,
        recoveryCodesLeft,
        renaming,
        notice: query(request.event, 'notice'),
      }),
    );
  },

  'GET /account/partners': async (request) => {
    const session = memberOf(request);
    return html(
      partnersPage({
        csrfToken: request.csrfToken,
        connections: await connectionsOf(session.accountId),
        notice: query(request.event, 'notice'),
        partner: await partnerNamed(query(request.event, 'partner')),
      }),
    );
  },

  'POST /account/partners/disconnect': async (request) => {
    const session = memberOf(request);
    const clientId = field(request.body, 'clientId');
    if (!isId(clientId)) throw badRequest('Choose one of your connected partners.');
    await disconnect(session.accountId, clientId, requestContext(request), ports);
    // The notice names the partner by its client id: no text of the address reaches the page.
    return redirect(`/account/partners?notice=partner-disconnected&partner=${clientId}`);
  },

  'GET /account/emails/add': async (request) => {
    // The email a partner knows, when its sign-in sent the member here to add it.
    const email = query(request.event, 'email')?.slice(0, 320);
    return html(addEmailPage({ csrfToken: request.csrfToken, email }));
  },

  'POST /account/emails/add': async (request) => {
    const session = memberOf(request);
    const email = field(request.body, 'email');
    const work = checked(request.body, 'work');
    const result = await addEmail(session.accountId, { email, work }, requestContext(request), ports);
    if (result.kind === 'problem') {
      return html(addEmailPage({ csrfToken: request.csrfToken, email, work, problem: result.message }), 400);
    }
    return html(confirmationSentPage({ csrfToken: request.csrfToken, address: result.address }));
  },

  'POST /account/emails/resend': async (request) => {
    const session = memberOf(request);
    await resendEmailConfirmation(
      session.accountId,
      field(request.body, 'email'),
      requestContext(request),
      ports,
    );
    return redirect('/account?notice=confirmation-sent');
  },

  'POST /account/emails/primary': async (request) => {
    const session = memberOf(request);
    await setPrimaryEmail(session.accountId, field(request.body, 'email'), requestContext(request), ports);
    return redirect('/account?notice=primary-changed');
  },

  'POST /account/emails/remove': async (request) => {
    const session = memberOf(request);
    await removeEmail(session.accountId, field(request.body, 'email'), requestContext(request), ports);
    return redirect('/account?notice=email-removed');
  },

  'GET /account/history': async (request) => {
    const session = memberOf(request);
    return html(
      historyPage({ csrfToken: request.csrfToken, events: await historyStore.historyOf(session.accountId) }),
    );
  },

  'GET /account/delete': async (request) => {
    return html(deleteAccountPage({ csrfToken: request.csrfToken }));
  },

  'POST /account/delete': async (request) => {
    const session = memberOf(request);
    const context = requestContext(request);
    try {
      await checkAccountPassword(session.accountId, field(request.body, 'password'), context, ports);
    } catch (error) {
      const shown = problemToShow(error, 'SignInFailed', 'SignInThrottled');
      if (!shown) throw error;
      return html(deleteAccountPage({ csrfToken: request.csrfToken, problem: shown.message }), shown.status);
    }
    await deleteAccount(session.accountId, context, ports);
    const response = redirect('/sign-in?notice=account-deleted');
    response.cookies = signedOutCookies();
    return response;
  },
};

export const handler = routedHandler('account', { body: formBody, memberAccess }, routes);

/** The name of the partner a notice is about, from its client id (never text from the address). */
async function partnerNamed(clientId: string | undefined): Promise<string | undefined> {
  return isId(clientId) ? (await partnerById(clientId))?.metadata.client_name : undefined;
}
