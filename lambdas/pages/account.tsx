/**
 * The member's own pages: Profile with its Email section, adding an email, history, password,
 * deletion, moving an email. Sign-in and security is in account-security.tsx, Connected partners
 * in account-partners.tsx.
 */

import { NEW_PASSWORD_HINT } from '../accounts/password/rules.ts';
import type { EmailItem, HistoryEvent } from '../store/items.ts';
import type { IdentityStatus } from '../verification/status.ts';
import { renderAccountPage } from './account-area.tsx';
import { CurrentPassword, EmailField, ErrorSummary, Field, Form, Hidden, Narrow, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';

/** The notices of Profile, each named by the `notice` of the address an action comes back to. */
const NOTICES: Record<string, string> = {
  'email-confirmed': 'Your email is confirmed.',
  'email-moved': 'The email moved to your account.',
  'primary-changed': 'Your primary email changed.',
  'email-removed': 'The email was removed.',
  'confirmation-sent': 'We sent a new confirmation link.',
};

/** Profile, the first part of My Account and where signing in lands: the Email section. */
export function profilePage(props: {
  csrfToken: string;
  emails: readonly EmailItem[];
  primaryEmail: string;
  identity: IdentityStatus;
  notice?: string;
}): string {
  const emails = [...props.emails].sort(
    (a, b) =>
      Number(b.normalized === props.primaryEmail) - Number(a.normalized === props.primaryEmail) ||
      a.addedAt.localeCompare(b.addedAt),
  );
  return renderAccountPage({
    part: 'profile',
    csrfToken: props.csrfToken,
    notice: props.notice ? NOTICES[props.notice] : undefined,
    children: (
      <>
        <section aria-labelledby="emails-heading">
          <h2 id="emails-heading">Email</h2>
          <p>Partner services receive your primary email. Any confirmed email signs you in.</p>
          <ul class="usa-list usa-list--unstyled verity-email-list">
            {emails.map((email, index) => (
              <EmailRow
                key={email.normalized}
                id={`email-${index}`}
                email={email}
                primary={email.normalized === props.primaryEmail}
                csrfToken={props.csrfToken}
              />
            ))}
          </ul>
          {emails.length < 12 ? (
            <p>
              <a class="usa-button usa-button--outline" href="/account/emails/add">
                + Add an email
              </a>
            </p>
          ) : (
            <p>You have 12 emails, the most an account can have. Remove one to add another.</p>
          )}
        </section>
        <IdentitySection status={props.identity} />
      </>
    ),
  });
}

/** Profile's Identity section: where the member's identity verification stands, and the way on. */
function IdentitySection({ status }: { status: IdentityStatus }) {
  const [text, link, label] =
    status.kind === 'verified'
      ? [
          `Your identity is verified (${status.method === 'video' ? 'on a video call' : 'self-service'}, ${status.verifiedAt.slice(0, 10)}). Partners that need a verified identity receive it when you choose Allow.`,
          undefined,
          undefined,
        ]
      : status.kind === 'in-progress'
        ? [
            'You started verifying your identity. Continue where you stopped.',
            '/verify',
            'Continue verifying',
          ]
        : status.kind === 'in-video'
          ? ['You are in the queue for a video call with an agent.', '/verify/video', 'See my place']
          : status.kind === 'not-verified'
            ? ['We could not verify your identity.', '/verify/result', 'See what you can do']
            : [
                'Verify your identity once, and partners that need a verified identity can receive it.',
                '/verify',
                'Verify your identity',
              ];
  return (
    <section aria-labelledby="identity-heading" class="margin-top-5">
      <h2 id="identity-heading">Identity</h2>
      <p>{text}</p>
      {link ? (
        <p>
          <a class="usa-button usa-button--outline" href={link}>
            {label}
          </a>
        </p>
      ) : null}
    </section>
  );
}

function EmailRow({
  id,
  email,
  primary,
  csrfToken,
}: {
  id: string;
  email: EmailItem;
  primary: boolean;
  csrfToken: string;
}) {
  // An address waiting to move from another account reads "Unconfirmed" like any other: a
  // label of its own would tell the requester which addresses have Verity accounts.
  const state = primary ? 'Primary' : email.confirmed ? 'Confirmed' : 'Unconfirmed';
  const action = (path: string, label: string) => (
    <form method="post" action={path}>
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="email" value={email.normalized} />
      {/* The name stays the word members are told to press; the address it acts on is its description. */}
      <button type="submit" class="usa-button usa-button--outline usa-button--small" aria-describedby={id}>
        {label}
      </button>
    </form>
  );
  return (
    <li class="border-bottom-1px border-base-lighter padding-y-2">
      <span class="text-bold" id={id}>
        {email.address}
      </span>
      <span class="usa-tag">{state}</span>
      {email.work ? <span class="usa-tag">Work</span> : null}
      <div class="verity-email-actions">
        {!email.confirmed ? action('/account/emails/resend', 'Resend confirmation') : null}
        {email.confirmed && !primary ? action('/account/emails/primary', 'Set as primary') : null}
        {!primary ? action('/account/emails/remove', 'Remove') : null}
      </div>
    </li>
  );
}

export function addEmailPage(props: {
  csrfToken: string;
  email?: string;
  work?: boolean;
  problem?: string;
}): string {
  return renderPage({
    title: 'Add an email',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Add an email</h1>
        <p class="usa-intro">We will send a confirmation link to the new address.</p>
        <ErrorSummary problems={{ email: props.problem }} />
        <Form action="/account/emails/add" csrfToken={props.csrfToken}>
          <EmailField value={props.email} error={props.problem} />
          <div class="usa-checkbox">
            <input
              class="usa-checkbox__input"
              id="work"
              type="checkbox"
              name="work"
              value="yes"
              checked={props.work}
            />
            <label class="usa-checkbox__label" for="work">
              Work
            </label>
          </div>
          <Submit>Send confirmation</Submit>
        </Form>
        <p>
          <a href="/account">Back to Profile</a>
        </p>
      </Narrow>
    ),
  });
}

export function confirmationSentPage(props: { csrfToken: string; address: string }): string {
  return renderPage({
    title: 'Confirmation sent',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <>
        <h1>Confirmation sent</h1>
        <p class="usa-intro">
          We sent a message to <strong>{props.address}</strong>. Open the link in it within 24 hours to add
          the address to your account.
        </p>
        <p>
          <a class="usa-button" href="/account">
            Back to Profile
          </a>
        </p>
      </>
    ),
  });
}

const EVENT_WORDS: Record<HistoryEvent['type'], string> = {
  'account-created': 'Account created',
  'signed-in': 'Signed in',
  'sign-in-failed': 'Wrong password entered',
  'email-added': 'Email added',
  'email-confirmed': 'Email confirmed',
  'email-removed': 'Email removed',
  'email-moved-in': 'Email moved here from another account',
  'email-moved-out': 'Email moved to another account',
  'primary-changed': 'Primary email changed',
  'password-changed': 'Password changed',
  'password-reset': 'Password reset',
  'mfa-added': 'Sign-in method added',
  'mfa-removed': 'Sign-in method removed',
  'mfa-primary-changed': 'Primary sign-in method changed',
  'mfa-renamed': 'Sign-in method renamed',
  'mfa-passed': 'Second step of sign-in passed',
  'mfa-failed': 'Wrong code entered',
  'recovery-code-used': 'Recovery code used',
  'recovery-codes-created': 'New recovery codes made',
  'browsers-forgotten': 'All remembered browsers forgotten',
  'account-reset-requested': 'Asked to delete the account (lost sign-in methods)',
  'account-reset-cancelled': 'Request to delete the account cancelled',
  'partner-connected': 'Allowed a partner to receive your information',
  'partner-disconnected': 'Partner disconnected',
  'identity-verified': 'Identity verified',
  'identity-not-verified': 'Identity not verified',
};

export function historyPage(props: { csrfToken: string; events: readonly HistoryEvent[] }): string {
  return renderAccountPage({
    part: 'security',
    heading: 'Account history',
    csrfToken: props.csrfToken,
    children: (
      <>
        <p class="usa-intro">
          What happened to your account, newest first. Something you do not recognize? Change your password.
        </p>
        <table class="usa-table usa-table--stacked">
          <caption>Recent events</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">What</th>
              <th scope="col">Device</th>
              <th scope="col">Place</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((event) => (
              <tr key={event.at + event.type}>
                <td data-label="When (UTC)">{event.at.slice(0, 16).replace('T', ' ')}</td>
                <td data-label="What">
                  {EVENT_WORDS[event.type] ?? event.type}
                  {event.detail ? `: ${event.detail}` : ''}
                </td>
                <td data-label="Device">{event.device}</td>
                <td data-label="Place">{event.place}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a href="/account/security">Back to Sign-in and security</a>
        </p>
      </>
    ),
  });
}

export function changePasswordPage(props: { csrfToken: string; problem?: string }): string {
  return renderPage({
    title: 'Change password',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Change password</h1>
        <ErrorSummary problems={{ password: props.problem }} />
        <Form action="/account/password" csrfToken={props.csrfToken}>
          <Field
            name="password"
            label="New password"
            type="password"
            autocomplete="new-password"
            error={props.problem}
            hint={NEW_PASSWORD_HINT}
          />
          <Submit>Change password</Submit>
        </Form>
        <p>
          <a href="/account/security">Back to Sign-in and security</a>
        </p>
      </Narrow>
    ),
  });
}

export function deleteAccountPage(props: { csrfToken: string; problem?: string }): string {
  return renderPage({
    title: 'Delete account',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Delete account</h1>
        <div class="usa-alert usa-alert--warning">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              Deleting removes your emails, sign-in details and history, and partner services stop receiving
              anything from this account. It cannot be undone.
            </p>
          </div>
        </div>
        <ErrorSummary problems={{ password: props.problem }} />
        <Form action="/account/delete" csrfToken={props.csrfToken}>
          <CurrentPassword error={props.problem} />
          <button class="usa-button usa-button--secondary" type="submit">
            Delete account
          </button>
        </Form>
        <p>
          <a href="/account/security">Keep my account</a>
        </p>
      </Narrow>
    ),
  });
}

export function moveEmailPage(props: {
  csrfToken: string;
  token: string;
  address: string;
  deletesHolder: boolean;
  needsCode: boolean;
  /** A problem, and the field it belongs to. */
  problem?: { field: 'password' | 'code' | 'confirmDeletion'; message: string };
}): string {
  const problem = (name: 'password' | 'code' | 'confirmDeletion') =>
    props.problem?.field === name ? props.problem.message : undefined;
  return renderPage({
    title: 'Move your email to another account',
    children: (
      <Narrow>
        <h1>Move your email to another account</h1>
        <p class="usa-intro">
          Another Verity account asked to add <strong>{props.address}</strong>, which belongs to an account of
          yours. To move it, enter the password of the account that has it now
          {props.needsCode ? ', and a code from its second step' : ''}.
        </p>
        <ErrorSummary problems={props.problem ? { [props.problem.field]: props.problem.message } : {}} />
        <Form action="/move-email" csrfToken={props.csrfToken}>
          <Hidden name="token" value={props.token} />
          <CurrentPassword label="Password of the account that has this email" error={problem('password')} />
          {props.needsCode ? (
            <Field
              name="code"
              label="Code from that account's authenticator app, or one of its recovery codes"
              autocomplete="one-time-code"
              error={problem('code')}
            />
          ) : null}
          {props.deletesHolder ? (
            <>
              <div class="usa-alert usa-alert--warning">
                <div class="usa-alert__body">
                  <p class="usa-alert__text">
                    This is the only email of that account, so moving it deletes that account (the duplicate).
                  </p>
                </div>
              </div>
              <div class={`usa-checkbox${problem('confirmDeletion') ? ' usa-form-group--error' : ''}`}>
                {problem('confirmDeletion') ? (
                  <span class="usa-error-message" id="confirmDeletion-error" role="alert">
                    {problem('confirmDeletion')}
                  </span>
                ) : null}
                <input
                  class="usa-checkbox__input"
                  id="confirmDeletion"
                  type="checkbox"
                  name="confirmDeletion"
                  value="yes"
                />
                <label class="usa-checkbox__label" for="confirmDeletion">
                  I understand the duplicate account will be deleted
                </label>
              </div>
            </>
          ) : null}
          <Submit>Continue</Submit>
        </Form>
      </Narrow>
    ),
  });
}

export function emailMovedPage(props: { address: string; holderDeleted: boolean }): string {
  return renderPage({
    title: 'Email moved',
    children: (
      <>
        <h1>Email moved</h1>
        <p class="usa-intro">
          {props.address} now belongs to the account that asked for it.
          {props.holderDeleted ? ' The duplicate account was deleted.' : ''}
        </p>
        <p>
          <a class="usa-button" href="/sign-in">
            Sign in
          </a>
        </p>
      </>
    ),
  });
}
