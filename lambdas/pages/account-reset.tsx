/** Lost every sign-in method: asking to delete the account and start again, cancelling, deleting. */
import type { ResetState } from '../mfa/account-reset.ts';
import { Form, Hidden, Narrow, Notice, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' at ')} UTC`;

export function lostMethodsPage(props: { csrfToken: string; state: ResetState }): string {
  return renderPage({
    title: 'Lost access to your sign-in methods',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Lost access to your sign-in methods</h1>
        <p class="usa-intro">
          If you still have a recovery code, <a href="/mfa/recovery">use a recovery code</a>, then update your
          methods on your account page.
        </p>
        <p>
          Without any method or recovery code, nobody can open the account, including us. You can delete it
          and start again: the request waits 24 hours, and every email of the account is told and can cancel
          it.
        </p>
        {props.state.kind === 'none' ? (
          <Form action="/account-reset/request" csrfToken={props.csrfToken}>
            <button class="usa-button usa-button--secondary" type="submit">
              Ask to delete my account
            </button>
          </Form>
        ) : null}
        {props.state.kind === 'waiting' ? (
          <Notice kind="info" heading="Your request is waiting">
            {`You can get the deletion link after ${when(props.state.readyAt)}. We emailed your addresses a link to cancel.`}
          </Notice>
        ) : null}
        {props.state.kind === 'ready' ? (
          <Form action="/account-reset/send-link" csrfToken={props.csrfToken}>
            <Submit>Send the deletion link</Submit>
          </Form>
        ) : null}
      </Narrow>
    ),
  });
}

export function resetLinkPage(props: {
  csrfToken: string;
  token: string;
  action: 'cancel' | 'delete';
}): string {
  const cancel = props.action === 'cancel';
  return renderPage({
    title: cancel ? 'Cancel the request to delete your account' : 'Delete your account',
    children: (
      <Narrow>
        <h1>{cancel ? 'Cancel the request to delete your account' : 'Delete your account'}</h1>
        <p class="usa-intro">
          {cancel
            ? 'Someone asked to delete your Verity account because they lost its sign-in methods. Cancel it to keep the account, then change your password.'
            : 'This deletes your Verity account: its emails, sign-in methods and history. You can then create a new account.'}
        </p>
        <Form action={`/account-reset/${props.action}`} csrfToken={props.csrfToken}>
          <Hidden name="token" value={props.token} />
          <button class={`usa-button${cancel ? '' : ' usa-button--secondary'}`} type="submit">
            {cancel ? 'Cancel the request' : 'Delete account'}
          </button>
        </Form>
      </Narrow>
    ),
  });
}

export function resetDonePage(props: { heading: string; text: string }): string {
  return renderPage({
    title: props.heading,
    children: (
      <Narrow>
        <h1>{props.heading}</h1>
        <p class="usa-intro">{props.text}</p>
        <p>
          <a class="usa-button" href="/">
            Go to the home page
          </a>
        </p>
      </Narrow>
    ),
  });
}
