/** Create account, Check your email, Confirm your email, and the page for a dead link. */

import { NEW_PASSWORD_HINT_WITH_ADVICE } from '../accounts/password/rules.ts';
import {
  CurrentPassword,
  EmailField,
  ErrorSummary,
  Field,
  Form,
  Hidden,
  Narrow,
  Notice,
  type Problems,
  Submit,
} from './forms.tsx';
import { renderPage } from './layout.tsx';

export function createAccountPage(props: { csrfToken: string; email?: string; problems?: Problems }): string {
  const problems = props.problems ?? {};
  return renderPage({
    title: 'Create account',
    children: (
      <Narrow>
        <h1>Create account</h1>
        <p class="usa-intro">Use an email address you can open now. You can add a work email later.</p>
        <ErrorSummary problems={problems} />
        <Form action="/create-account" csrfToken={props.csrfToken}>
          <EmailField value={props.email} error={problems.email} />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete="new-password"
            error={problems.password}
            hint={NEW_PASSWORD_HINT_WITH_ADVICE}
          />
          <Submit>Create account</Submit>
        </Form>
        <p>
          Already have an account? <a href="/sign-in">Sign in</a>
        </p>
      </Narrow>
    ),
  });
}

export function checkEmailPage(props: { csrfToken: string; address: string; resent?: boolean }): string {
  return renderPage({
    title: 'Check your email',
    children: (
      <>
        <h1>Check your email</h1>
        {props.resent ? (
          <Notice heading="We sent a new link">Links sent before this one no longer work.</Notice>
        ) : null}
        <p class="usa-intro">
          We sent a message to <strong>{props.address}</strong>. Open the link in it within 24 hours to
          confirm your email and finish creating your account.
        </p>
        <p>No message after a few minutes? Check your spam folder, or send it again.</p>
        <Form action="/resend-confirmation" csrfToken={props.csrfToken}>
          <Hidden name="email" value={props.address} />
          <button class="usa-button usa-button--outline" type="submit">
            Resend confirmation
          </button>
        </Form>
      </>
    ),
  });
}

export function confirmEmailPage(props: {
  csrfToken: string;
  token: string;
  address: string;
  purpose: 'sign-up' | 'add-email';
  problem?: string;
}): string {
  return renderPage({
    title: 'Confirm your email',
    children: (
      <Narrow>
        <h1>Confirm your email</h1>
        <p class="usa-intro">
          {props.purpose === 'sign-up'
            ? `Enter the password you chose to confirm ${props.address} and finish creating your account.`
            : `Enter the password of your Verity account to add ${props.address} to it.`}
        </p>
        <ErrorSummary problems={{ password: props.problem }} />
        <Form action="/confirm-email" csrfToken={props.csrfToken}>
          <Hidden name="token" value={props.token} />
          <CurrentPassword error={props.problem} />
          <Submit>Continue</Submit>
        </Form>
      </Narrow>
    ),
  });
}

/** A used, expired, replaced or forged link: what happened, and a way to get a new one. */
export function deadLinkPage(props: {
  csrfToken: string;
  message: string;
  problem?: string;
  email?: string;
}): string {
  return renderPage({
    title: 'This link does not work',
    children: (
      <Narrow>
        <h1>This link does not work</h1>
        <p class="usa-intro">{props.message}</p>
        <h2>Get a new confirmation link</h2>
        <p>
          If you were creating an account, enter its email address and we will send a new link. If you were
          adding an email to your account, <a href="/sign-in?next=/account">sign in</a> and choose Resend
          confirmation next to it.
        </p>
        <ErrorSummary problems={{ email: props.problem }} />
        <Form action="/resend-confirmation" csrfToken={props.csrfToken}>
          <EmailField value={props.email} error={props.problem} />
          <Submit>Resend confirmation</Submit>
        </Form>
      </Narrow>
    ),
  });
}
