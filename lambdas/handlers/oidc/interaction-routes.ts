/**
 * The interaction pages: where the provider sends a member it cannot sign in to a partner by
 * itself. The provider's interaction cookie travels only to `/interaction/{uid}`, so every detour
 * (Sign in, the second step, the email pages) comes back here to finish.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Client } from 'oidc-provider';
import type { Ports } from '../../core/ports.ts';
import { setPrimaryEmail } from '../../emails/manage.ts';
import { type MemberEmails, memberEmails } from '../../emails/member-emails.ts';
import { field } from '../../http/form.ts';
import { type HttpRequest, memberOf } from '../../http/handler.ts';
import { memberSession, requestContext, requestTime, signedInCookies } from '../../http/member.ts';
import { forgetPartnerReturn, rememberPartnerReturn } from '../../http/partner-return.ts';
import { problemToShow } from '../../http/problems.ts';
import { type HttpResult, html, redirect } from '../../http/respond.ts';
import { formsLeadTo } from '../../http/security-headers.ts';
import { allow } from '../../oidc/allow.ts';
import { amrOf, unmetEssentialAcr } from '../../oidc/assurance.ts';
import { policyOf } from '../../oidc/clients.ts';
import { sharedItems } from '../../oidc/consent.ts';
import { interactionStep } from '../../oidc/interaction.ts';
import { assuranceRequestOf, consentRequestOf, memberRequirement } from '../../oidc/request.ts';
import {
  addEmailPage,
  authorizePage,
  continuingPage,
  makePrimaryPage,
  partnerRequestErrorPage,
  verificationNeededPage,
} from '../../pages/authorize.tsx';
import { IAL2_CLAIMS } from '../../partners/partner.ts';
import { askSecondStepAgain } from '../../sessions/second-step-again.ts';
import type { SessionItem } from '../../store/items.ts';
import { identityOf } from '../../store/verification.ts';
import { verifiedPerson } from '../../verification/verified-identity.ts';
import { issuerOf, type OidcRuntime, providerFor } from './provider.ts';

type Request = HttpRequest<Record<string, string> | undefined>;
type Interaction = Awaited<ReturnType<OidcRuntime['provider']['interactionDetails']>>;

/** What the routes share: the provider, the interaction behind the cookie, the partner. */
interface InInteraction {
  readonly runtime: OidcRuntime;
  readonly interaction: Interaction;
  readonly client: Client;
  readonly node: [IncomingMessage, ServerResponse];
}

/** A sign-in request that is over (done, expired, another tab's): say so, with no way to replay it. */
function expiredPage(): HttpResult {
  const page = partnerRequestErrorPage({
    error: 'interaction_expired',
    error_description: 'this sign-in request has finished or expired',
  });
  return html(page, 400);
}

/** The request as the provider's interaction helpers read it: only its cookies matter. */
function nodePair(request: Request): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(new Socket());
  req.headers = { cookie: (request.event.cookies ?? []).join('; ') };
  req.url = request.path;
  req.method = request.method;
  return [req, new ServerResponse(req)];
}

async function inInteraction(request: Request): Promise<InInteraction | HttpResult> {
  const uid = request.event.pathParameters?.uid ?? '';
  if (!/^[\w-]{10,64}$/.test(uid)) return expiredPage();
  const runtime = await providerFor(issuerOf(request.headers));
  const node = nodePair(request);
  let interaction: Interaction;
  try {
    interaction = await runtime.provider.interactionDetails(...node);
  } catch {
    return expiredPage();
  }
  // The cookie names the interaction this browser is in; a URL naming another is not it.
  if (interaction.uid !== uid) return expiredPage();
  const client = await runtime.provider.Client.find(String(interaction.params.client_id));
  if (!client) return expiredPage();
  return { runtime, interaction, client, node };
}

const VERIFIED_CLAIMS = new Set<string>(IAL2_CLAIMS);

const partnerNameOf = (client: Client) => client.clientName ?? 'The partner';

/**
 * A page of the partner's sign-in: its Allow, Deny, Cancel and Set as primary end with a redirect
 * to the partner's redirect URI, which the page's form-action must allow.
 */
function partnerPage(client: Client, body: string): HttpResult {
  const response = html(body);
  formsLeadTo(response.headers, client.redirectUris ?? []);
  return response;
}

/**
 * What the request needs of this member: their verified identity is read only when the request
 * could need it, and counts only within the partner's `verified_within_days`.
 */
async function requirementIn(context: InInteraction, accountId: string | undefined, now: Date) {
  const { params } = context.interaction;
  const member = await memberRequirement(policyOf(context.client), params, accountId, identityOf, now);
  return { ...member, unmet: unmetEssentialAcr(member.requirement, assuranceRequestOf(params)) };
}

const consentIn = (context: InInteraction, ial: 1 | 2) =>
  consentRequestOf(
    policyOf(context.client),
    String(context.client.scope ?? 'openid'),
    context.interaction.params,
    ial,
  );

/**
 * Answers the provider's prompt and goes back to it. A form of this Lambda's pages (Allow, Deny)
 * may lead on to the partner (formsLeadTo); the interaction page itself, reached through the
 * redirects of another page's form, answers with a page that goes on by itself.
 */
async function finish(
  context: InInteraction,
  result: Record<string, unknown>,
  reachedBy: 'own form' | 'other page' = 'own form',
): Promise<HttpResult> {
  const returnTo = await context.runtime.provider.interactionResult(...context.node, result);
  const response =
    reachedBy === 'own form'
      ? redirect(returnTo)
      : html(continuingPage({ to: new URL(returnTo).pathname, partnerName: partnerNameOf(context.client) }));
  response.cookies = [forgetPartnerReturn()];
  return response;
}

/** A step that leaves this page for a while: the detour's end brings the member back here. */
function comeBackHere(response: HttpResult, uid: string): HttpResult {
  response.cookies = [...(response.cookies ?? []), rememberPartnerReturn(uid)];
  return response;
}

/** What the email rule compares: normalized addresses. */
const emailRuleFacts = (emails: MemberEmails) => ({
  primary: emails.primary?.normalized ?? '',
  confirmed: emails.confirmed.map((email) => email.normalized),
});

export function interactionRoutes(ports: Pick<Ports, 'mail' | 'cipher'>) {
  return {
    'GET /interaction/{uid}': async (request: Request): Promise<HttpResult> => {
      const context = await inInteraction(request);
      if (!('runtime' in context)) return context;
      const { interaction, client } = context;
      const session = await memberSession(request, requestTime(request));
      const { requirement, unmet, identity, identityVerified } = await requirementIn(
        context,
        session?.accountId,
        requestTime(request),
      );
      const policy = policyOf(client);
      const loginHint =
        typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined;
      const emails =
        session && policy.emailMustMatchLoginHint && loginHint
          ? await memberEmails(session.accountId)
          : undefined;
      // Someone else signed in in this browser meanwhile: the prompt starts again as them.
      const switched =
        session && interaction.session?.accountId && interaction.session.accountId !== session.accountId;
      const step = interactionStep({
        uid: interaction.uid,
        prompt: switched ? { name: 'login', reasons: [] } : interaction.prompt,
        startedAt: interaction.iat ?? 0,
        loginHint,
        requirement,
        unmetEssentialAcr: unmet,
        identityVerified,
        policy,
        session,
        ...(emails ? { emails: emailRuleFacts(emails) } : {}),
      });
      const common = {
        csrfToken: request.csrfToken,
        uid: interaction.uid,
        partnerName: partnerNameOf(client),
      };
      switch (step.kind) {
        case 'detour':
          return comeBackHere(redirect(step.to), interaction.uid);
        case 'second-step-again': {
          const cookie = await askSecondStepAgain(step.session, requestTime(request));
          if (!cookie) return redirect(`/interaction/${interaction.uid}`);
          const response = comeBackHere(redirect(step.to), interaction.uid);
          response.cookies = [...(response.cookies ?? []), ...signedInCookies(cookie)];
          return response;
        }
        case 'make-primary':
          return partnerPage(
            client,
            makePrimaryPage({ ...common, email: step.email, primary: emails?.primary?.address ?? '' }),
          );
        case 'add-email':
          return comeBackHere(
            partnerPage(
              client,
              addEmailPage({
                ...common,
                email: step.email,
                primary: emails?.primary?.address ?? '',
                awaitingConfirmation:
                  emails?.unconfirmed.some((email) => email.normalized === step.email) ?? false,
              }),
            ),
            interaction.uid,
          );
        case 'verify-identity':
          // Verifying is a detour: its result page's Continue leads back here.
          return comeBackHere(
            partnerPage(
              client,
              verificationNeededPage({
                ...common,
                ...(identity ? { verifiedAt: identity.verifiedAt } : {}),
                ...(policy.verifiedWithinDays !== undefined ? { withinDays: policy.verifiedWithinDays } : {}),
              }),
            ),
            interaction.uid,
          );
        case 'unmet':
          return finish(
            context,
            {
              error: 'unmet_authentication_requirements',
              error_description: 'the requested assurance cannot be met for this partner',
            },
            'other page',
          );
        case 'signed-in':
          return finish(context, { login: loginResult(step.session, requirement.acr) }, 'other page');
        case 'authorize': {
          const accountId = (session as SessionItem).accountId;
          const consent = consentIn(context, requirement.ial);
          const showsVerified =
            identity !== undefined && consent.claims.some((claim) => VERIFIED_CLAIMS.has(claim));
          const [member, person] = await Promise.all([
            emails ?? memberEmails(accountId),
            showsVerified ? verifiedPerson(accountId, identity, ports) : undefined,
          ]);
          const items = sharedItems(
            consent,
            {
              primaryEmail: member.primary?.address,
              allEmails: member.confirmed.map((email) => email.address),
              ...(person && identity ? { verified: person, verifiedAt: identity.verifiedAt } : {}),
            },
            common.partnerName,
            requirement.ial,
          );
          return partnerPage(client, authorizePage({ ...common, items }));
        }
      }
    },

    'POST /interaction/{uid}/allow': async (request: Request): Promise<HttpResult> => {
      const context = await inInteraction(request);
      if (!('runtime' in context)) return context;
      const session = memberOf(request);
      const { interaction, client, runtime } = context;
      // Allow answers the consent prompt of the member this interaction signed in; anything else
      // goes back through the interaction page, which sorts it out.
      if (interaction.prompt.name !== 'consent' || interaction.session?.accountId !== session.accountId) {
        return redirect(`/interaction/${interaction.uid}`);
      }
      const { ial } = (await requirementIn(context, session.accountId, requestTime(request))).requirement;
      const grantId = await allow(
        runtime.provider,
        {
          accountId: session.accountId,
          partner: { clientId: client.clientId, name: partnerNameOf(client) },
          subject: runtime.subjectFor(client.clientId, session.accountId),
          ...(interaction.grantId ? { grantId: interaction.grantId } : {}),
          consent: consentIn(context, ial),
          ial,
        },
        requestContext(request),
      );
      return finish(context, { consent: { grantId } });
    },

    'POST /interaction/{uid}/deny': async (request: Request): Promise<HttpResult> => {
      const context = await inInteraction(request);
      if (!('runtime' in context)) return context;
      const unverified = field(request.body, 'reason') === 'unverified';
      return finish(
        context,
        unverified
          ? {
              error: 'unmet_authentication_requirements',
              error_description: 'the member does not have a verified identity',
            }
          : { error: 'access_denied', error_description: 'the member selected Deny' },
      );
    },

    'POST /interaction/{uid}/primary-email': async (request: Request): Promise<HttpResult> => {
      const context = await inInteraction(request);
      if (!('runtime' in context)) return context;
      const session = memberOf(request);
      try {
        await setPrimaryEmail(
          session.accountId,
          field(request.body, 'email'),
          requestContext(request),
          ports,
        );
      } catch (error) {
        // Not (or no longer) a confirmed email of the account: the interaction page says what now.
        if (!problemToShow(error, 'EmailNotConfirmed', 'EmailNotOnAccount')) throw error;
      }
      return redirect(`/interaction/${context.interaction.uid}`);
    },
  };
}

/** The provider's login result: Verity's session, at the assurance this partner needs. */
function loginResult(session: SessionItem, acr: string) {
  return {
    accountId: session.accountId,
    acr,
    amr: amrOf(session.viaRememberedBrowser ? 'remembered' : session.secondFactor),
    ts: Math.floor(Date.parse(session.signedInAt) / 1000),
    remember: true,
  };
}
