/**
 * Form parts in USWDS markup: every field has a visible label, errors are tied to their field
 * (aria-describedby) and listed in a summary that takes focus-worthy position at the top.
 */
import type { ComponentChildren } from 'preact';

export type Problems = Partial<Record<string, string>>;

export function ErrorSummary({ problems }: { problems: Problems }) {
  const entries = Object.entries(problems).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return (
    <div class="usa-alert usa-alert--error" role="alert">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">There is a problem</h2>
        <ul class="usa-list">
          {entries.map(([field, message]) => (
            <li key={field}>
              <a href={`#${field}`}>{message}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** The one column that forms and short pages use: full width on phones, two thirds above. */
export function Narrow({ children }: { children: ComponentChildren }) {
  return (
    <div class="grid-row">
      <div class="grid-col-12 tablet:grid-col-8">{children}</div>
    </div>
  );
}

export function Notice({
  heading,
  children,
  kind = 'success',
}: {
  heading: string;
  children?: ComponentChildren;
  kind?: 'success' | 'info' | 'warning';
}) {
  return (
    <div class={`usa-alert usa-alert--${kind}`} role="status">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">{heading}</h2>
        {children ? <p class="usa-alert__text">{children}</p> : null}
      </div>
    </div>
  );
}

export function Form({
  action,
  csrfToken,
  children,
}: {
  action: string;
  csrfToken: string;
  children: ComponentChildren;
}) {
  return (
    <form class="usa-form usa-form--large" method="post" action={action} noValidate>
      <input type="hidden" name="_csrf" value={csrfToken} />
      {children}
    </form>
  );
}

export interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password';
  readonly autocomplete?: string;
  readonly value?: string;
  readonly error?: string | undefined;
  readonly hint?: string;
  readonly inputMode?: 'numeric' | 'text';
}

export function Field({
  name,
  label,
  type = 'text',
  autocomplete,
  value,
  error,
  hint,
  inputMode,
}: FieldProps) {
  // Built as a plain object: Preact's input types narrow by `type`, which varies here.
  const inputAttributes: Record<string, unknown> = {
    class: `usa-input${error ? ' usa-input--error' : ''}`,
    id: name,
    name,
    type,
    autocomplete,
    value: type === 'password' ? undefined : value,
    'aria-invalid': error ? 'true' : undefined,
    spellcheck: type === 'text' ? undefined : false,
    autocapitalize: type === 'text' ? undefined : 'off',
    inputmode: inputMode,
  };
  const described = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  if (described) inputAttributes['aria-describedby'] = described;
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${error ? ' usa-label--error' : ''}`} for={name}>
        {label}
      </label>
      {hint ? (
        <div class="usa-hint" id={`${name}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <span class="usa-error-message" id={`${name}-error`} role="alert">
          {error}
        </span>
      ) : null}
      <input {...inputAttributes} />
    </div>
  );
}

/** The account's current password, as every page that asks for it again shows it. */
export function CurrentPassword({
  error,
  label = 'Password',
}: {
  error?: string | undefined;
  label?: string;
}) {
  return (
    <Field name="password" label={label} type="password" autocomplete="current-password" error={error} />
  );
}

/** An email address field, as every form that asks for one shows it. */
export function EmailField({
  value,
  error,
  autocomplete = 'email',
}: {
  value?: string | undefined;
  error?: string | undefined;
  autocomplete?: 'email' | 'username';
}) {
  return (
    <Field
      name="email"
      label="Email address"
      type="email"
      autocomplete={autocomplete}
      value={value}
      error={error}
    />
  );
}

/** "Enter the 6-digit code", the words members follow, for every code a member types. */
export function SixDigitCode({ error }: { error?: string | undefined }) {
  return (
    <Field
      name="code"
      label="Enter the 6-digit code"
      autocomplete="one-time-code"
      inputMode="numeric"
      error={error}
    />
  );
}

export function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}

export function Submit({ children }: { children: ComponentChildren }) {
  return (
    <button class="usa-button" type="submit">
      {children}
    </button>
  );
}
