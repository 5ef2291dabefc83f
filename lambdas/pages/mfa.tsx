/** Multi-factor authentication: setting up a method, recovery codes, and the second step of sign-in. */
import type { Factor, FactorKind } from '../store/factors.ts';
import { factorKindNames } from './factor-names.ts';
import { ErrorSummary, Field, Form, Hidden, Narrow, Notice, SixDigitCode, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';
import { phoneCodeHint, SendAnotherCode } from './mfa-phone.tsx';

const SETUP_PATHS: Record<FactorKind, string> = {
  totp: '/mfa/setup/totp',
  phone: '/mfa/setup/phone',
  webauthn: '/mfa/setup/security-key',
};

const SETUP_HINTS: Record<FactorKind, string> = {
  totp: 'An app on your phone (Google Authenticator, Microsoft Authenticator, 1Password and others) shows a new 6-digit code every 30 seconds.',
  phone: 'We send a 6-digit code by text message or voice call.',
  webauthn: 'A USB or NFC key, or a passkey stored on this device or your phone.',
};

export function setupChoicePage(props: {
  csrfToken: string;
  kinds: readonly FactorKind[];
  first: boolean;
}): string {
  return renderPage({
    title: 'Set up multi-factor authentication',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Set up multi-factor authentication</h1>
        <p class="usa-intro">
          {props.first
            ? 'Before you use your account, add a second way to prove it is you. Signing in will ask for it after your password.'
            : 'Add another way to prove it is you, in case you lose one.'}
        </p>
        <ul class="usa-card-group">
          {props.kinds.map((kind) => (
            <li class="usa-card tablet:grid-col-12" key={kind}>
              <div class="usa-card__container">
                <div class="usa-card__header">
                  <h2 class="usa-card__heading">{factorKindNames[kind]}</h2>
                </div>
                <div class="usa-card__body">
                  <p>{SETUP_HINTS[kind]}</p>
                </div>
                <div class="usa-card__footer">
                  <a class="usa-button" href={SETUP_PATHS[kind]} aria-describedby={`setup-${kind}`}>
                    Set up
                  </a>
                  <span id={`setup-${kind}`} class="usa-sr-only">
                    {factorKindNames[kind]}
                  </span>
                </div>
              </div>
            </li>
          ))}
        </ul>
      </Narrow>
    ),
  });
}

export function totpSetupPage(props: {
  csrfToken: string;
  qrSvg: string;
  key: string;
  problem?: string;
}): string {
  return renderPage({
    title: 'Set up an authenticator app',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Set up an authenticator app</h1>
        <ol class="usa-process-list">
          <li class="usa-process-list__item">
            <h2 class="usa-process-list__heading">Scan this QR code with the app</h2>
            {/* The SVG comes from our own QR encoder, never from input. */}
            <div
              class="verity-qr"
              role="img"
              aria-label="QR code for your authenticator app"
              dangerouslySetInnerHTML={{ __html: props.qrSvg }}
            />
            <p>
              Cannot scan it? Enter this key in the app instead:{' '}
              <code class="verity-totp-key" id="totp-key">
                {props.key}
              </code>
            </p>
          </li>
          <li class="usa-process-list__item">
            <h2 class="usa-process-list__heading">Enter the 6-digit code the app shows</h2>
            <ErrorSummary problems={{ code: props.problem }} />
            <Form action="/mfa/setup/totp" csrfToken={props.csrfToken}>
              <SixDigitCode error={props.problem} />
              <Field
                name="name"
                label="Name this method"
                value="Authenticator app"
                hint="So you can tell your methods apart."
              />
              <Submit>Continue</Submit>
            </Form>
          </li>
        </ol>
      </Narrow>
    ),
  });
}

export function recoveryCodesOfferPage(props: { csrfToken: string; replacing: boolean }): string {
  return renderPage({
    title: 'Recovery codes',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Recovery codes</h1>
        <p class="usa-intro">
          If you lose your phone or key, a recovery code lets you sign in once. You get 10 codes and see them
          only once: print them or write them down, and keep them somewhere safe.
        </p>
        {props.replacing ? (
          <Notice kind="warning" heading="Your old recovery codes will stop working" />
        ) : null}
        <Form action="/mfa/recovery-codes" csrfToken={props.csrfToken}>
          <Submit>Create recovery codes</Submit>
        </Form>
        <p>
          <a href="/account/security">Not now</a>
        </p>
      </Narrow>
    ),
  });
}

export function recoveryCodesPage(props: { csrfToken: string; codes: readonly string[] }): string {
  return renderPage({
    title: 'Your recovery codes',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Your recovery codes</h1>
        <p class="usa-intro">Each code works once. This is the only time we show them.</p>
        <ol class="verity-recovery-codes">
          {props.codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <p>
          <a class="usa-button" href="/account/security">
            Continue
          </a>
        </p>
      </Narrow>
    ),
  });
}

export function challengePage(props: {
  csrfToken: string;
  factor: Factor;
  hasOthers: boolean;
  next: string;
  problem?: string;
}): string {
  const hint =
    props.factor.kind === 'totp'
      ? `Open ${props.factor.name} and enter the code it shows.`
      : props.factor.kind === 'phone'
        ? phoneCodeHint(props.factor.last4)
        : 'Enter the code we sent.';
  return renderPage({
    title: 'Enter the 6-digit code',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Enter the 6-digit code</h1>
        <p class="usa-intro">{hint}</p>
        <ErrorSummary problems={{ code: props.problem }} />
        <Form action="/mfa" csrfToken={props.csrfToken}>
          <Hidden name="factor" value={props.factor.factorId} />
          <Hidden name="next" value={props.next} />
          <SixDigitCode error={props.problem} />
          <RememberBrowser />
          <Submit>Continue</Submit>
        </Form>
        {props.factor.kind === 'phone' ? (
          <SendAnotherCode
            action="/mfa/phone/resend"
            csrfToken={props.csrfToken}
            factorId={props.factor.factorId}
            next={props.next}
          />
        ) : null}
        <OtherWays hasOthers={props.hasOthers} next={props.next} />
      </Narrow>
    ),
  });
}

/** Below every second step: the member's other methods, a recovery code, and help. */
export function OtherWays(props: { hasOthers: boolean; next: string }) {
  return (
    <ul class="usa-list usa-list--unstyled">
      {props.hasOthers ? (
        <li>
          <a href={`/mfa/choose?next=${encodeURIComponent(props.next)}`}>Choose another method</a>
        </li>
      ) : null}
      <li>
        <a href={`/mfa/recovery?next=${encodeURIComponent(props.next)}`}>Use a recovery code</a>
      </li>
      <li>
        <a href="/account-reset">Lost access to your methods? Update your settings</a>
      </li>
    </ul>
  );
}

export function RememberBrowser() {
  return (
    <div class="usa-checkbox">
      <input class="usa-checkbox__input" id="remember" type="checkbox" name="remember" value="yes" />
      <label class="usa-checkbox__label" for="remember">
        Remember this browser
        <span class="usa-checkbox__label-description">Skip this step on this browser for 30 days.</span>
      </label>
    </div>
  );
}

export function chooseMethodPage(props: {
  csrfToken: string;
  factors: readonly Factor[];
  next: string;
}): string {
  return renderPage({
    title: 'Choose another method',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Choose another method</h1>
        <ul class="usa-list">
          {props.factors.map((factor) => (
            <li key={factor.factorId}>
              <a href={`/mfa?factor=${factor.factorId}&next=${encodeURIComponent(props.next)}`}>
                {factor.name} ({factorKindNames[factor.kind]})
              </a>
            </li>
          ))}
          <li>
            <a href={`/mfa/recovery?next=${encodeURIComponent(props.next)}`}>Use a recovery code</a>
          </li>
        </ul>
      </Narrow>
    ),
  });
}

export function recoveryChallengePage(props: { csrfToken: string; next: string; problem?: string }): string {
  return renderPage({
    title: 'Use a recovery code',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Use a recovery code</h1>
        <p class="usa-intro">Enter one of the recovery codes you saved. Each works once.</p>
        <ErrorSummary problems={{ code: props.problem }} />
        <Form action="/mfa/recovery" csrfToken={props.csrfToken}>
          <Hidden name="next" value={props.next} />
          <Field name="code" label="Recovery code" autocomplete="off" error={props.problem} />
          <Submit>Continue</Submit>
        </Form>
      </Narrow>
    ),
  });
}
