/** Text or voice codes: setting up a phone, and the phone's parts of the sign-in code page. */
import type { TextChannel } from '../mfa/texts.ts';
import {
  ErrorSummary,
  Field,
  Form,
  Hidden,
  Narrow,
  Notice,
  type Problems,
  SixDigitCode,
  Submit,
} from './forms.tsx';
import { renderPage } from './layout.tsx';

const CHANNEL_LABELS: Record<TextChannel, string> = { sms: 'Text message', voice: 'Voice call' };

export function phoneNumberPage(props: {
  csrfToken: string;
  channels: readonly TextChannel[];
  phone?: string | undefined;
  channel?: string | undefined;
  problems?: { phone?: string | undefined; channel?: string | undefined };
}): string {
  const problems: Problems = props.problems ?? {};
  const chosen = props.channels.find((c) => c === props.channel) ?? props.channels[0];
  return renderPage({
    title: 'Set up a phone',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Set up a phone</h1>
        <p class="usa-intro">
          We send a 6-digit code to this phone each time you sign in. Message and data rates may apply.
        </p>
        <ErrorSummary problems={problems} />
        <Form action="/mfa/setup/phone" csrfToken={props.csrfToken}>
          <PhoneField value={props.phone} error={problems.phone} />
          <div class={`usa-form-group${problems.channel ? ' usa-form-group--error' : ''}`}>
            <fieldset class="usa-fieldset" id="channel">
              <legend class="usa-legend">How should we send the code?</legend>
              {problems.channel ? (
                <span class="usa-error-message" id="channel-error" role="alert">
                  {problems.channel}
                </span>
              ) : null}
              {props.channels.map((channel) => (
                <div class="usa-radio" key={channel}>
                  <input
                    class="usa-radio__input"
                    id={`channel-${channel}`}
                    type="radio"
                    name="channel"
                    value={channel}
                    checked={channel === chosen}
                  />
                  <label class="usa-radio__label" for={`channel-${channel}`}>
                    {CHANNEL_LABELS[channel]}
                  </label>
                </div>
              ))}
            </fieldset>
          </div>
          <Submit>Send code</Submit>
        </Form>
      </Narrow>
    ),
  });
}

/** A `tel` input: phones show the dial pad, browsers offer the member's own number. */
function PhoneField({ value, error }: { value?: string | undefined; error?: string | undefined }) {
  const described = ['phone-hint', error ? 'phone-error' : ''].filter(Boolean).join(' ');
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${error ? ' usa-label--error' : ''}`} for="phone">
        Phone number
      </label>
      <div class="usa-hint" id="phone-hint">
        A US number, like 202-555-0123, or + and the country code first, like +44 20 7946 0958.
      </div>
      {error ? (
        <span class="usa-error-message" id="phone-error" role="alert">
          {error}
        </span>
      ) : null}
      <input
        class={`usa-input${error ? ' usa-input--error' : ''}`}
        id="phone"
        name="phone"
        type="tel"
        autocomplete="tel"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
      />
    </div>
  );
}

export const phoneCodeHint = (last4: string) => `We sent a code to the phone ending in ${last4}.`;

export function phoneCodePage(props: {
  csrfToken: string;
  last4: string;
  problem?: string | undefined;
  resent?: boolean;
}): string {
  return renderPage({
    title: 'Enter the 6-digit code',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Enter the 6-digit code</h1>
        <p class="usa-intro">{phoneCodeHint(props.last4)} It expires in 10 minutes.</p>
        {props.resent && !props.problem ? <Notice heading="We sent a new code" kind="info" /> : null}
        <ErrorSummary problems={{ code: props.problem }} />
        <Form action="/mfa/setup/phone/code" csrfToken={props.csrfToken}>
          <SixDigitCode error={props.problem} />
          <Field
            name="name"
            label="Name this method"
            value={`Phone ending in ${props.last4}`}
            hint="So you can tell your methods apart."
          />
          <Submit>Continue</Submit>
        </Form>
        <SendAnotherCode action="/mfa/setup/phone/resend" csrfToken={props.csrfToken} />
        <p>
          <a href="/mfa/setup/phone">Use a different number</a>
        </p>
      </Narrow>
    ),
  });
}

/** Its own form, after the code form: a second submit button there would be the Enter key's. */
export function SendAnotherCode(props: {
  action: string;
  csrfToken: string;
  factorId?: string;
  next?: string;
}) {
  return (
    <form class="usa-form margin-bottom-2" method="post" action={props.action}>
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      {props.factorId ? <Hidden name="factor" value={props.factorId} /> : null}
      {props.next ? <Hidden name="next" value={props.next} /> : null}
      <button class="usa-button usa-button--outline" type="submit">
        Send another code
      </button>
    </form>
  );
}
