/**
 * Sign-in and security, the second part of My Account: the password, the sign-in methods (MFA),
 * recovery codes, remembered browsers, the account's history and deleting it.
 */
import type { Factor } from '../store/factors.ts';
import { renderAccountPage } from './account-area.tsx';
import { factorKindNames } from './factor-names.ts';

/** The notices of Sign-in and security, each named by the `notice` an action comes back with. */
const NOTICES: Record<string, string> = {
  'password-changed': 'Your password changed.',
  'mfa-added': 'The sign-in method was added.',
  'mfa-removed': 'The sign-in method was removed.',
  'mfa-renamed': 'The sign-in method was renamed.',
  'mfa-primary-changed': 'Your primary sign-in method changed.',
  'browsers-forgotten': 'Every remembered browser will ask for the second step again.',
  'recovery-codes-low': 'You have fewer than 3 recovery codes left. Create new ones below.',
};

export function securityPage(props: {
  csrfToken: string;
  factors: readonly Factor[];
  mfaPrimary?: string;
  recoveryCodesLeft: number;
  /** The method whose name field to show: the member asked to rename it (`?rename=<factorId>`). */
  renaming?: string;
  notice?: string;
}): string {
  return renderAccountPage({
    part: 'security',
    csrfToken: props.csrfToken,
    notice: props.notice ? NOTICES[props.notice] : undefined,
    children: (
      <>
        <section aria-labelledby="password-heading">
          <h2 id="password-heading">Password</h2>
          <p>
            <a href="/account/password">Change password</a>
          </p>
        </section>
        <SignInMethods {...props} />
        <section aria-labelledby="recovery-heading">
          <h2 id="recovery-heading">Recovery codes</h2>
          <p>
            If you lose your phone or key, a recovery code lets you sign in once. You have{' '}
            {props.recoveryCodesLeft} of 10 left.
          </p>
          <p>
            <a href="/mfa/recovery-codes">
              {props.recoveryCodesLeft > 0 ? 'Create new recovery codes' : 'Create recovery codes'}
            </a>
          </p>
        </section>
        <section aria-labelledby="browsers-heading">
          <h2 id="browsers-heading">Remembered browsers</h2>
          <p>A browser where you chose Remember this browser skips the second step for 30 days.</p>
          <form method="post" action="/mfa/forget-browsers">
            <input type="hidden" name="_csrf" value={props.csrfToken} />
            <button type="submit" class="usa-button usa-button--outline">
              Forget all browsers
            </button>
          </form>
        </section>
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <p>
            <a href="/account/history">Account history</a>
          </p>
        </section>
        <section aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete account</h2>
          <p>
            Deleting removes your emails, sign-in details and history. It cannot be undone.{' '}
            <a href="/account/delete">Delete account</a>
          </p>
        </section>
      </>
    ),
  });
}

/**
 * The member's methods, each with its kind and its buttons. Rename is a link that shows this
 * page again with that one method's name field (no script needed), so that the list is not a
 * column of empty text boxes.
 */
function SignInMethods(props: {
  csrfToken: string;
  factors: readonly Factor[];
  mfaPrimary?: string;
  renaming?: string;
}) {
  const post = (path: string, factorId: string, label: string, describedBy: string) => (
    <form method="post" action={path}>
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <input type="hidden" name="factor" value={factorId} />
      <button
        type="submit"
        class="usa-button usa-button--outline usa-button--small"
        aria-describedby={describedBy}
      >
        {label}
      </button>
    </form>
  );
  return (
    <section aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Sign-in methods</h2>
      <p>After your password, signing in asks for your primary method.</p>
      <ul class="usa-list usa-list--unstyled verity-email-list">
        {props.factors.map((factor, index) => {
          const primary = factor.factorId === props.mfaPrimary;
          const id = `factor-${index}`;
          return (
            <li key={factor.factorId} class="border-bottom-1px border-base-lighter padding-y-2">
              <span class="text-bold" id={id}>
                {factor.name}
              </span>{' '}
              <span class="usa-tag">{factorKindNames[factor.kind]}</span>
              {primary ? <span class="usa-tag">Primary</span> : null}
              <div class="verity-email-actions">
                {!primary ? post('/mfa/methods/primary', factor.factorId, 'Make primary method', id) : null}
                {!primary ? post('/mfa/methods/remove', factor.factorId, 'Remove method', id) : null}
                {factor.factorId === props.renaming ? null : (
                  <a
                    class="usa-button usa-button--outline usa-button--small"
                    href={`/account/security?rename=${encodeURIComponent(factor.factorId)}#rename-name`}
                    aria-describedby={id}
                  >
                    Rename
                  </a>
                )}
              </div>
              {factor.factorId === props.renaming ? (
                <RenameForm csrfToken={props.csrfToken} factor={factor} />
              ) : null}
            </li>
          );
        })}
      </ul>
      <p>
        <a class="usa-button usa-button--outline" href="/mfa/setup">
          Add a sign-in method
        </a>
      </p>
    </section>
  );
}

/** The one name field, for the method the member asked to rename. */
function RenameForm({ csrfToken, factor }: { csrfToken: string; factor: Factor }) {
  return (
    <form method="post" action="/mfa/methods/rename" class="usa-form verity-rename">
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="factor" value={factor.factorId} />
      <label class="usa-label" for="rename-name">
        New name for {factor.name}
      </label>
      <input
        class="usa-input"
        id="rename-name"
        name="name"
        value={factor.name}
        maxLength={60}
        autocomplete="off"
      />
      <div class="verity-email-actions">
        <button type="submit" class="usa-button usa-button--small">
          Save name
        </button>
        <a class="usa-button usa-button--unstyled" href="/account/security">
          Cancel
        </a>
      </div>
    </form>
  );
}
