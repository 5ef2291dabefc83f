/**
 * Security keys and passkeys: adding one, and using one as the second step of sign-in.
 *
 * The ceremony needs the browser's WebAuthn API, so these two forms carry a script (our own file,
 * as the CSP requires): on submit, it fetches the options from `data-webauthn-options`, lets the
 * browser talk to the key, puts the answer in the hidden `credential` field and submits the form.
 * The server then answers with a page, as for every other form.
 */
import type { ComponentChildren } from 'preact';
import { ErrorSummary, Field, Hidden, Narrow } from './forms.tsx';
import { renderPage } from './layout.tsx';
import { OtherWays, RememberBrowser } from './mfa.tsx';

/** The library's browser bundle (window.SimpleWebAuthnBrowser), served from our own origin. */
const BROWSER_LIBRARY = '/assets/simplewebauthn/bundle/index.umd.min.js';
const CEREMONY_SCRIPT = '/assets/verity/webauthn.js';

function CeremonyForm(props: {
  action: string;
  ceremony: 'register' | 'authenticate';
  options: string;
  csrfToken: string;
  children: ComponentChildren;
}) {
  return (
    <form
      class="usa-form usa-form--large"
      method="post"
      action={props.action}
      noValidate
      data-webauthn={props.ceremony}
      data-webauthn-options={props.options}
    >
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <Hidden name="credential" value="" />
      {/* The script writes what went wrong here; a live region must exist before it changes. */}
      <div aria-live="assertive" data-webauthn-problem="" />
      {props.children}
    </form>
  );
}

function CeremonyScripts() {
  return (
    <>
      <script src={BROWSER_LIBRARY} />
      <script type="module" src={CEREMONY_SCRIPT} />
    </>
  );
}

/** The button of the ceremony, with an id that the error summary can point at. */
function CeremonyButton(props: { id: string; children: string }) {
  return (
    <button class="usa-button" type="submit" id={props.id}>
      {props.children}
    </button>
  );
}

export function securityKeySetupPage(props: { csrfToken: string; name?: string; problem?: string }): string {
  return renderPage({
    title: 'Add a security key or passkey',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Add a security key or passkey</h1>
        <p class="usa-intro">
          Use a USB or NFC security key, or a passkey kept by this device, your phone or your password
          manager. You can add several, for example one to carry and one kept at home.
        </p>
        <ErrorSummary problems={{ 'add-key': props.problem }} />
        <CeremonyForm
          action="/mfa/setup/security-key"
          ceremony="register"
          options="/mfa/setup/security-key/options"
          csrfToken={props.csrfToken}
        >
          <Field
            name="name"
            label="Name this key"
            value={props.name ?? 'Security key'}
            hint="So you can tell your keys apart, for example “Blue key” or “This laptop”."
          />
          <p>When you select the button, your browser asks you to insert or touch your key, or to confirm.</p>
          <CeremonyButton id="add-key">Add security key</CeremonyButton>
        </CeremonyForm>
        <CeremonyScripts />
      </Narrow>
    ),
  });
}

export function securityKeyChallengePage(props: {
  csrfToken: string;
  /** The key's factor, so that a problem shows this page again rather than the primary method's. */
  factorId: string;
  hasOthers: boolean;
  next: string;
  problem?: string;
}): string {
  return renderPage({
    title: 'Use your security key',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Use your security key</h1>
        <p class="usa-intro">
          Have your security key or the device with your passkey ready. When you select the button, your
          browser asks you to insert or touch your key, or to confirm.
        </p>
        <ErrorSummary problems={{ 'use-key': props.problem }} />
        <CeremonyForm
          action="/mfa/security-key"
          ceremony="authenticate"
          options="/mfa/security-key/options"
          csrfToken={props.csrfToken}
        >
          <Hidden name="factor" value={props.factorId} />
          <Hidden name="next" value={props.next} />
          <RememberBrowser />
          <CeremonyButton id="use-key">Use your security key</CeremonyButton>
        </CeremonyForm>
        <OtherWays hasOthers={props.hasOthers} next={props.next} />
        <CeremonyScripts />
      </Narrow>
    ),
  });
}
