/** Sign in, Forgot password, Reset password, and Enter your password again. */

import { NEW_PASSWORD_HINT } from '../accounts/password/rules.ts';
import {
  CurrentPassword,
  EmailField,
  ErrorSummary,
  Field,
  Form,
  Hidden,
  Narrow,
  Notice,
  Submit,
} from './forms.tsx';
import { renderPage } from './layout.tsx';

const NOTICES: Record<string, { heading: string; text: string }> = {
  'signed-out': { heading: 'You signed out', text: 'Sign in again whenever you need to.' },
  'password-reset': { heading: 'Your password was reset', text: 'Sign in with your new password.' },
  'account-deleted': { heading: 'Your account was deleted', text: 'We sent a last message to your emails.' },
};

export function signInPage(props: {
  csrfToken: string;
  email?: string;
  problem?: string;
  next?: string;
  notice?: string;
}): string {
  const notice = props.notice ? NOTICES[props.notice] : undefined;
  return renderPage({
    title: 'Sign in',
    children: (
      <Narrow>
        <h1>Sign in</h1>
        {notice ? <Notice heading={notice.heading}>{notice.text}</Notice> : null}
        <ErrorSummary problems={{ email: props.problem }} />
        <Form action="/sign-in" csrfToken={props.csrfToken}>
          {props.next ? <Hidden name="next" value={props.next} /> : null}
          <EmailField value={props.email} error={props.problem} autocomplete="username" />
          <Field name="password" label="Password" type="password" autocomplete="current-password" />
          <Submit>Sign in</Submit>
        </Form>
        <p>
          <a href="/forgot-password">Forgot your password?</a>
        </p>
        <p>
          New to Verity? <a href="/create-account">Create account</a>
        </p>
      </Narrow>
    ),
  });
}

export function forgotPasswordPage(props: { csrfToken: string; email?: string; problem?: string }): string {
  return renderPage({
    title: 'Forgot your password?',
    children: (
      <Narrow>
        <h1>Forgot your password?</h1>
        <p class="usa-intro">
          Enter an email address of your account and we will send a link to choose a new password.
        </p>
        <ErrorSummary problems={{ email: props.problem }} />
        <Form action="/forgot-password" csrfToken={props.csrfToken}>
          <EmailField value={props.email} error={props.problem} />
          <Submit>Send reset link</Submit>
        </Form>
      </Narrow>
    ),
  });
}

export function resetSentPage(props: { address: string }): string {
  return renderPage({
    title: 'Check your email',
    children: (
      <>
        <h1>Check your email</h1>
        <p class="usa-intro">
          If <strong>{props.address}</strong> belongs to a Verity account, we sent it a link to reset the
          password. The link works once, for one hour.
        </p>
      </>
    ),
  });
}

export function resetPasswordPage(props: { csrfToken: string; token: string; problem?: string }): string {
  return renderPage({
    title: 'Choose a new password',
    children: (
      <Narrow>
        <h1>Choose a new password</h1>
        <p class="usa-intro">Resetting your password signs you out on every device.</p>
        <ErrorSummary problems={{ password: props.problem }} />
        <Form action="/reset-password" csrfToken={props.csrfToken}>
          <Hidden name="token" value={props.token} />
          <Field
            name="password"
            label="New password"
            type="password"
            autocomplete="new-password"
            error={props.problem}
            hint={NEW_PASSWORD_HINT}
          />
          <Submit>Reset password</Submit>
        </Form>
      </Narrow>
    ),
  });
}

export function reauthenticatePage(props: {
  csrfToken: string;
  next: string;
  problem?: string;
  signedIn: boolean;
}): string {
  return renderPage({
    title: 'Enter your password again',
    signedIn: props.signedIn ? { csrfToken: props.csrfToken } : undefined,
    children: (
      <Narrow>
        <h1>Enter your password again</h1>
        <p class="usa-intro">
          For your security, changes to your password, emails or account need a recent sign-in.
        </p>
        <ErrorSummary problems={{ password: props.problem }} />
        <Form action="/reauthenticate" csrfToken={props.csrfToken}>
          <Hidden name="next" value={props.next} />
          <CurrentPassword error={props.problem} />
          <Submit>Continue</Submit>
        </Form>
      </Narrow>
    ),
  });
}
