/**
 * The pages of signing in to a partner: the Authorize screen ("review the information that XMS
 * will receive and then select Allow"), the email rule's pages, the verification notice, and the
 * provider's own pages (sign out of a partner, signed out, a request that cannot go back).
 */
import type { SharedItem } from '../oidc/consent.ts';
import { Form, Narrow, Notice } from './forms.tsx';
import { renderPage } from './layout.tsx';

interface InteractionPage {
  readonly csrfToken: string;
  readonly uid: string;
  readonly partnerName: string;
}

export function authorizePage(props: InteractionPage & { items: readonly SharedItem[] }): string {
  return renderPage({
    title: `Authorize ${props.partnerName}`,
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Authorize {props.partnerName}</h1>
        <p class="usa-intro">
          Review the information that {props.partnerName} will receive. Select Allow to share it and continue
          to {props.partnerName}.
        </p>
        <h2>{props.partnerName} will receive</h2>
        <ul class="usa-list verity-shared">
          {props.items.map((item) => (
            <li key={item.label}>
              {item.value === undefined ? (
                item.label
              ) : (
                <>
                  {item.label}: <strong>{item.value}</strong>
                </>
              )}
            </li>
          ))}
        </ul>
        <p>
          You can disconnect {props.partnerName} at any time from <strong>Connected partners</strong> in My
          Account.
        </p>
        <div class="usa-button-group">
          <Form action={`/interaction/${props.uid}/allow`} csrfToken={props.csrfToken}>
            <button type="submit" class="usa-button">
              Allow
            </button>
          </Form>
          <Form action={`/interaction/${props.uid}/deny`} csrfToken={props.csrfToken}>
            <button type="submit" class="usa-button usa-button--outline">
              Deny
            </button>
          </Form>
        </div>
      </Narrow>
    ),
  });
}

/** The email rule: the partner's email is on the account, confirmed, but not primary. */
export function makePrimaryPage(props: InteractionPage & { email: string; primary: string }): string {
  return renderPage({
    title: 'Set your primary email',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Set your primary email</h1>
        <p class="usa-intro">
          {props.partnerName} knows you as <strong>{props.email}</strong> and needs it to be your primary
          email in Verity. Your primary email is now <strong>{props.primary}</strong>.
        </p>
        <Form action={`/interaction/${props.uid}/primary-email`} csrfToken={props.csrfToken}>
          <input type="hidden" name="email" value={props.email} />
          <button type="submit" class="usa-button">
            Set as primary
          </button>
        </Form>
        <p>
          <DenyLink uid={props.uid} csrfToken={props.csrfToken} partnerName={props.partnerName} />
        </p>
      </Narrow>
    ),
  });
}

/** The email rule: the account does not have the partner's email confirmed. */
export function addEmailPage(
  props: InteractionPage & { email: string; primary: string; awaitingConfirmation: boolean },
): string {
  return renderPage({
    title: 'Add the email this partner knows',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Add the email {props.partnerName} knows</h1>
        <p class="usa-intro">
          {props.partnerName} knows you as <strong>{props.email}</strong>, but that email is not
          {props.awaitingConfirmation ? ' confirmed' : ''} in your Verity account. Your primary email is{' '}
          <strong>{props.primary}</strong>. {props.partnerName} needs its email to be your primary email.
        </p>
        {props.awaitingConfirmation ? (
          <Notice heading="Check your email" kind="info">
            We sent a confirmation link to {props.email}. Open it, then come back to this page and select
            Continue.
          </Notice>
        ) : (
          <ol class="usa-process-list">
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">Add {props.email} to your account</p>
            </li>
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">Open the confirmation link we send to it</p>
            </li>
            <li class="usa-process-list__item">
              <p class="usa-process-list__heading">Set it as primary, and continue to {props.partnerName}</p>
            </li>
          </ol>
        )}
        <p>
          {props.awaitingConfirmation ? (
            <a class="usa-button" href={`/interaction/${props.uid}`}>
              Continue
            </a>
          ) : (
            <a class="usa-button" href={`/account/emails/add?email=${encodeURIComponent(props.email)}`}>
              + Add an email
            </a>
          )}
        </p>
        <p>
          <DenyLink uid={props.uid} csrfToken={props.csrfToken} partnerName={props.partnerName} />
        </p>
      </Narrow>
    ),
  });
}

/** An IAL2 request from a member without a verified identity. */
export function verificationNeededPage(
  props: InteractionPage & { verifiedAt?: string; withinDays?: number },
): string {
  const tooOld = props.verifiedAt !== undefined;
  return renderPage({
    title: 'This partner needs a verified identity',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>{props.partnerName} needs a verified identity</h1>
        {tooOld ? (
          <p class="usa-intro">
            {props.partnerName} needs an identity verified within the last {props.withinDays} days. Yours was
            verified on {props.verifiedAt?.slice(0, 10)}, so {props.partnerName} asks you to verify it again.
          </p>
        ) : (
          <p class="usa-intro">
            To share your information with {props.partnerName}, Verity first has to verify your identity. You
            only need to verify your identity once; then you can use it with any partner.
          </p>
        )}
        <p>It takes about 5 minutes. When you are done, you come back here. Nothing has been shared yet.</p>
        <p>
          <a class="usa-button" href={tooOld ? '/verify/start?again=yes' : '/verify'}>
            {tooOld ? 'Verify again' : 'Verify your identity'}
          </a>
        </p>
        <Form action={`/interaction/${props.uid}/deny`} csrfToken={props.csrfToken}>
          <input type="hidden" name="reason" value="unverified" />
          <button type="submit" class="usa-button usa-button--unstyled">
            Cancel and return to {props.partnerName}
          </button>
        </Form>
      </Narrow>
    ),
  });
}

function DenyLink(props: { uid: string; csrfToken: string; partnerName: string }) {
  return (
    <Form action={`/interaction/${props.uid}/deny`} csrfToken={props.csrfToken}>
      <button type="submit" class="usa-button usa-button--unstyled">
        Cancel and return to {props.partnerName}
      </button>
    </Form>
  );
}

/** RP-initiated logout: the provider's form (its own xsrf token) with Verity's words. */
export function partnerSignOutPage(form: string, partnerName: string | undefined): string {
  const who = partnerName ? ` from ${partnerName}` : '';
  return renderPage({
    title: 'Sign out',
    children: (
      <Narrow>
        <h1>Sign out{who}?</h1>
        <p class="usa-intro">Signing out also signs you out of Verity on this browser.</p>
        {/* The provider's form: an action and its xsrf field, nothing else. */}
        <div dangerouslySetInnerHTML={{ __html: form }} />
        <div class="usa-button-group">
          <button type="submit" form="op.logoutForm" value="yes" name="logout" class="usa-button">
            Sign out
          </button>
          <button type="submit" form="op.logoutForm" class="usa-button usa-button--outline">
            Stay signed in
          </button>
        </div>
      </Narrow>
    ),
  });
}

export function signedOutPage(partnerName: string | undefined): string {
  return renderPage({
    title: 'You are signed out',
    children: (
      <Narrow>
        <h1>You are signed out</h1>
        <p class="usa-intro">
          You signed out{partnerName ? ` of ${partnerName}` : ''} and of Verity on this browser.
        </p>
        <p>
          <a class="usa-button" href="/sign-in">
            Sign in
          </a>
        </p>
      </Narrow>
    ),
  });
}

/** A sign-in request from a partner that cannot go back to it (no safe redirect). */
export function partnerRequestErrorPage(error: { error: string; error_description?: string }): string {
  return renderPage({
    title: 'We could not use that sign-in request',
    children: (
      <Narrow>
        <h1>We could not use that sign-in request</h1>
        <p class="usa-intro">
          The partner site sent a sign-in request that Verity cannot accept, so we cannot send you back to it.
          Go back to the partner site and try again; if it happens again, tell the partner.
        </p>
        <p>
          What the partner needs to know: <code>{error.error}</code>
          {error.error_description ? <> ({error.error_description})</> : null}
        </p>
      </Narrow>
    ),
  });
}

/**
 * The end of a partner sign-in reached from another page's form (Sign in, the second step): a
 * page that goes on to the provider by itself. Browsers hold a form's redirects to the form
 * page's CSP form-action, which names Verity only; this page ends that chain, and its own
 * navigation (a refresh, not a form) may lead on to the partner.
 */
export function continuingPage(props: { to: string; partnerName: string }): string {
  return renderPage({
    title: `Continuing to ${props.partnerName}`,
    goesOnTo: props.to,
    children: (
      <Narrow>
        <h1>Continuing to {props.partnerName}</h1>
        <p class="usa-intro">You are signed in.</p>
        <p>
          <a class="usa-button" href={props.to}>
            Continue to {props.partnerName}
          </a>
        </p>
      </Narrow>
    ),
  });
}
