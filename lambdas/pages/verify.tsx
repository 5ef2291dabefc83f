/**
 * Identity verification, self-service: before you start, documents and a selfie, personal
 * information, the phone, the result. Every page works without JavaScript: pictures go to the
 * evidence bucket through plain file inputs in forms that post straight to it.
 */
import { DENIAL_REASONS, type DenialReason } from '../verification/attempt.ts';
import { type DetailProblems, type DetailsForm, STATES } from '../verification/details.ts';
import type { DocumentType, EvidencePart, ImageProblem, UploadForm } from '../verification/ports.ts';
import { ErrorSummary, Field, Form, Hidden, Narrow, Notice, SixDigitCode, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';

interface Page {
  readonly csrfToken: string;
}

/* ------------------------------------------------------------------ before you start */

export function startPage(
  props: Page & { problems?: { consent?: string; biometricConsent?: string }; again?: boolean },
): string {
  const problems = props.problems ?? {};
  return renderPage({
    title: 'Verify your identity',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Verify your identity</h1>
        <p class="usa-intro">
          You only need to verify your identity once. Then partner services that need a verified identity can
          receive it when you choose Allow, without you proving anything again.
        </p>
        <h2>What we will ask for, and why</h2>
        <ul class="usa-list">
          <li>
            <strong>A photo ID:</strong> the front and back of your driver's license or state ID, or the photo
            page of your passport. We check that it is genuine and read your name, date of birth and address
            from it.
          </li>
          <li>
            <strong>A selfie:</strong> a photo of your face, which we compare with the photo on your ID to
            make sure the ID is yours.
          </li>
          <li>
            <strong>Your information:</strong> legal name, date of birth, address, Social Security number and
            a phone number in your name. We check them against records, and send a code to the phone.
          </li>
        </ul>
        <p>It takes about 5 minutes. If you leave, you continue where you stopped when you come back.</p>
        <h2>How long we keep it</h2>
        <p>
          Your photos are deleted as soon as the checks finish, and never kept longer than 7 days. Once your
          identity is verified, we keep your information encrypted on your account until you delete the
          account, and share it only with partners you allow.
        </p>
        <ErrorSummary problems={problems} />
        <Form action="/verify/start" csrfToken={props.csrfToken}>
          {props.again ? <Hidden name="again" value="yes" /> : null}
          <Checkbox
            name="consent"
            error={problems.consent}
            label="I agree that Verity checks my photo ID and my information against records to verify my identity."
          />
          <Checkbox
            name="biometricConsent"
            error={problems.biometricConsent}
            label="I agree that Verity compares my selfie with the photo on my ID. The comparison is used only for this check."
          />
          <Submit>Start</Submit>
        </Form>
      </Narrow>
    ),
  });
}

function Checkbox(props: { name: string; label: string; error?: string | undefined }) {
  return (
    <div class={`usa-form-group${props.error ? ' usa-form-group--error' : ''}`}>
      {props.error ? (
        <span class="usa-error-message" id={`${props.name}-error`} role="alert">
          {props.error}
        </span>
      ) : null}
      <div class="usa-checkbox">
        <input
          class="usa-checkbox__input"
          id={props.name}
          type="checkbox"
          name={props.name}
          value="yes"
          aria-describedby={props.error ? `${props.name}-error` : undefined}
        />
        <label class="usa-checkbox__label" for={props.name}>
          {props.label}
        </label>
      </div>
    </div>
  );
}

/* ------------------------------------------------------------------ documents */

const PART_NAMES: Record<EvidencePart, string> = {
  front: 'Front of your ID',
  back: 'Back of your ID',
  selfie: 'Selfie',
};

const PASSPORT_PART_NAMES: Record<EvidencePart, string> = {
  ...PART_NAMES,
  front: 'Photo page of your passport',
};

/** Exactly what to do about a picture that cannot be read. */
export const IMAGE_PROBLEMS: Record<ImageProblem, string> = {
  blur: 'it is blurry. Hold the camera steady, close enough to fill the frame, and take it again.',
  glare: 'there is glare on it. Move away from direct light or turn off the flash, and take it again.',
  cropped: 'part of it is cut off. Make sure all four corners are in the picture, and take it again.',
  'no-face': 'we could not find a face in it. Face the camera in good light, without a hat or sunglasses.',
  'not-an-image': 'it is not a JPEG, PNG or HEIC picture. Choose a photo and upload it again.',
};

const DOCUMENT_FAILURES = {
  'not-authentic':
    'We could not confirm that your ID is genuine and current. Upload pictures of the original ID (not a copy or a picture of a screen), and make sure it has not expired.',
  'no-match':
    'Your selfie did not match the photo on your ID. Take a new selfie facing the camera in good light, without a hat or glasses.',
} as const;

export function documentsPage(
  props: Page & {
    readonly documentType?: DocumentType | undefined;
    readonly parts: readonly EvidencePart[];
    readonly uploads: Partial<Record<EvidencePart, string>>;
    readonly forms: Partial<Record<EvidencePart, UploadForm>>;
    readonly imageProblem?: { part: EvidencePart; problem: ImageProblem } | undefined;
    readonly documentFailure?: keyof typeof DOCUMENT_FAILURES | undefined;
    readonly notice?: 'missing' | undefined;
  },
): string {
  const names = props.documentType === 'passport' ? PASSPORT_PART_NAMES : PART_NAMES;
  const ready = props.parts.length > 0 && props.parts.every((part) => props.uploads[part]);
  return renderPage({
    title: 'Your ID and a selfie',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Your ID and a selfie</h1>
        {props.imageProblem ? (
          <div class="usa-alert usa-alert--warning" role="alert">
            <div class="usa-alert__body">
              <h2 class="usa-alert__heading">
                Take the {names[props.imageProblem.part].toLowerCase()} again
              </h2>
              <p class="usa-alert__text">
                We could not read the {names[props.imageProblem.part].toLowerCase()}:{' '}
                {IMAGE_PROBLEMS[props.imageProblem.problem]} This did not count as a try.
              </p>
            </div>
          </div>
        ) : null}
        {props.documentFailure ? (
          <div class="usa-alert usa-alert--error" role="alert">
            <div class="usa-alert__body">
              <h2 class="usa-alert__heading">We could not verify these pictures</h2>
              <p class="usa-alert__text">{DOCUMENT_FAILURES[props.documentFailure]}</p>
            </div>
          </div>
        ) : null}
        {props.notice === 'missing' ? (
          <Notice heading="The picture did not arrive" kind="warning">
            Choose the picture again and select Upload. Pictures can be JPEG, PNG or HEIC, up to 10 MB.
          </Notice>
        ) : null}
        <DocumentTypeForm csrfToken={props.csrfToken} documentType={props.documentType} />
        {props.documentType ? (
          <>
            <p>
              Pictures can be JPEG, PNG or HEIC, up to 10 MB each. On a phone, you can take them with the
              camera.
            </p>
            {props.parts.map((part) => (
              <UploadSection
                key={part}
                part={part}
                name={names[part]}
                uploaded={props.uploads[part] !== undefined}
                form={props.forms[part]}
                problem={props.imageProblem?.part === part}
              />
            ))}
            {ready ? (
              <Form action="/verify/documents/check" csrfToken={props.csrfToken}>
                <Submit>Check my ID and selfie</Submit>
              </Form>
            ) : (
              <p>Upload every picture above, then check them.</p>
            )}
            {props.documentFailure ? <VideoOffer csrfToken={props.csrfToken} detailsFirst /> : null}
          </>
        ) : null}
      </Narrow>
    ),
  });
}

function DocumentTypeForm(props: { csrfToken: string; documentType?: DocumentType | undefined }) {
  const chosen = props.documentType ?? 'drivers-license';
  return (
    <Form action="/verify/documents/type" csrfToken={props.csrfToken}>
      <fieldset class="usa-fieldset">
        <legend class="usa-legend">Which ID will you use?</legend>
        {(
          [
            ['drivers-license', "Driver's license or state ID"],
            ['passport', 'Passport'],
          ] as const
        ).map(([value, label]) => (
          <div class="usa-radio" key={value}>
            <input
              class="usa-radio__input"
              id={`type-${value}`}
              type="radio"
              name="documentType"
              value={value}
              checked={value === chosen}
            />
            <label class="usa-radio__label" for={`type-${value}`}>
              {label}
            </label>
          </div>
        ))}
      </fieldset>
      <button class="usa-button usa-button--outline" type="submit">
        {props.documentType ? 'Change ID' : 'Continue'}
      </button>
    </Form>
  );
}

function UploadSection(props: {
  part: EvidencePart;
  name: string;
  uploaded: boolean;
  form: UploadForm | undefined;
  problem: boolean;
}) {
  const id = `file-${props.part}`;
  return (
    <section class="margin-top-4" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{props.name}</h2>
      <p id={`${id}-status`}>
        {props.problem ? 'Take this picture again.' : props.uploaded ? 'Uploaded.' : 'Not uploaded yet.'}
      </p>
      {props.form ? (
        <form class="usa-form" method="post" action={props.form.url} enctype="multipart/form-data">
          {Object.entries(props.form.fields).map(([name, value]) => (
            <Hidden key={name} name={name} value={value} />
          ))}
          <div class="usa-form-group">
            <label class="usa-label" for={id}>
              {props.uploaded
                ? `Choose a new picture of the ${props.name.toLowerCase()}`
                : `Choose the picture`}
            </label>
            {/* A plain file input: USWDS's enhanced one refuses files outside `accept`, and the
                sandbox's description files are text files a tester picks on purpose. */}
            <input
              id={id}
              type="file"
              name="file"
              accept="image/jpeg,image/png,image/heic"
              capture={props.part === 'selfie' ? 'user' : 'environment'}
              aria-describedby={`${id}-status`}
              required
            />
          </div>
          <button class="usa-button usa-button--secondary" type="submit">
            Upload {props.name.toLowerCase()}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/* ------------------------------------------------------------------ details */

const DETAIL_LABELS = {
  givenName: ['First name', 'given-name'],
  familyName: ['Last name', 'family-name'],
  birthdate: ['Date of birth', 'bday'],
  street: ['Street address', 'street-address'],
  city: ['City', 'address-level2'],
  postalCode: ['ZIP code', 'postal-code'],
  ssn: ['Social Security number', 'off'],
  phone: ['Phone number in your name', 'tel'],
} as const;

export function detailsPage(
  props: Page & { form: DetailsForm; problems?: DetailProblems; fromDocument: boolean; forVideo?: boolean },
): string {
  const problems = props.problems ?? {};
  const field = (name: keyof typeof DETAIL_LABELS, hint?: string, inputMode?: 'numeric') => (
    <Field
      name={name}
      label={DETAIL_LABELS[name][0]}
      autocomplete={DETAIL_LABELS[name][1]}
      value={props.form[name] ?? ''}
      error={problems[name]}
      {...(hint ? { hint } : {})}
      {...(inputMode ? { inputMode } : {})}
    />
  );
  return renderPage({
    title: 'Your information',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Your information</h1>
        <p class="usa-intro">
          {props.fromDocument
            ? 'We filled in what we could read from your ID. Check it, correct anything that is wrong, and add the rest.'
            : 'Enter your information as it is on your ID.'}
        </p>
        <ErrorSummary problems={problems} />
        <Form action="/verify/details" csrfToken={props.csrfToken}>
          {props.forVideo ? <Hidden name="then" value="video" /> : null}
          {field('givenName')}
          {field('familyName')}
          {field('birthdate', 'For example: 1985-04-12 (year, month, day).')}
          {field('street')}
          {field('city')}
          <div class={`usa-form-group${problems.state ? ' usa-form-group--error' : ''}`}>
            <label class={`usa-label${problems.state ? ' usa-label--error' : ''}`} for="state">
              State
            </label>
            {problems.state ? (
              <span class="usa-error-message" id="state-error" role="alert">
                {problems.state}
              </span>
            ) : null}
            <select
              class="usa-select"
              id="state"
              name="state"
              autocomplete="address-level1"
              aria-describedby={problems.state ? 'state-error' : undefined}
            >
              <option value="">- Select -</option>
              {STATES.map((state) => (
                <option key={state} value={state} selected={props.form.state?.toUpperCase() === state}>
                  {state}
                </option>
              ))}
            </select>
          </div>
          {field('postalCode', undefined, 'numeric')}
          {field(
            'ssn',
            'Nine digits, like 123-45-6789. We check it against records and never show it again.',
            'numeric',
          )}
          {field('phone', 'We check that this phone account is in your name and send a code to it.')}
          <Submit>Confirm my information</Submit>
        </Form>
      </Narrow>
    ),
  });
}

/* ------------------------------------------------------------------ phone */

export function phonePage(
  props: Page & {
    last4: string;
    codeSent: boolean;
    proven: boolean;
    state?: 'not-owner' | 'unavailable' | 'records-unavailable' | 'resent' | undefined;
    problem?: string | undefined;
  },
): string {
  return renderPage({
    title: 'Confirm your phone',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Confirm your phone</h1>
        {props.state === 'not-owner' ? (
          <div class="usa-alert usa-alert--error" role="alert">
            <div class="usa-alert__body">
              <h2 class="usa-alert__heading">Use a phone in your name</h2>
              <p class="usa-alert__text">
                The phone ending in {props.last4} is not registered in your name. Use a phone account that is
                yours, for example on your own mobile plan.
              </p>
            </div>
          </div>
        ) : null}
        {props.state === 'unavailable' || props.state === 'records-unavailable' ? (
          <Notice heading="We could not finish the check" kind="warning">
            The records service did not answer in time. Nothing you entered is lost, and this did not count as
            a try. Try again in a minute.
          </Notice>
        ) : null}
        {props.state === 'resent' ? (
          <Notice heading="We sent a new code">The code before it no longer works.</Notice>
        ) : null}
        {props.proven ? (
          <Form action="/verify/phone/code" csrfToken={props.csrfToken}>
            <p>Your phone is confirmed. Finish by checking your information against records.</p>
            <Submit>Finish verifying</Submit>
          </Form>
        ) : props.codeSent ? (
          <>
            <p class="usa-intro">
              We sent a 6-digit code to the phone ending in {props.last4}. It expires in 10 minutes.
            </p>
            <ErrorSummary problems={{ code: props.problem }} />
            <Form action="/verify/phone/code" csrfToken={props.csrfToken}>
              <SixDigitCode error={props.problem} />
              <Submit>Confirm phone</Submit>
            </Form>
            <Form action="/verify/phone/send" csrfToken={props.csrfToken}>
              <Hidden name="again" value="yes" />
              <button class="usa-button usa-button--unstyled" type="submit">
                Send another code
              </button>
            </Form>
          </>
        ) : (
          <>
            <p class="usa-intro">
              We check that the phone ending in {props.last4} is in your name, then text it a 6-digit code.
              Message and data rates may apply.
            </p>
            {props.problem ? <ErrorSummary problems={{ phone: props.problem }} /> : null}
            {props.state === 'not-owner' ? null : (
              <Form action="/verify/phone/send" csrfToken={props.csrfToken}>
                <Submit>Send code</Submit>
              </Form>
            )}
          </>
        )}
        <p>
          <a href="/verify/details">Change my information or phone number</a>
        </p>
      </Narrow>
    ),
  });
}

/* ------------------------------------------------------------------ result */

export type ResultKind = 'verified' | 'could-not-verify' | 'denied' | 'fraud';

export function resultPage(
  props: Page & {
    kind: ResultKind;
    denialReason?: DenialReason | undefined;
    verifiedAt?: string | undefined;
    method?: 'self-service' | 'video' | undefined;
    videoOffered?: boolean;
  },
): string {
  return renderPage({
    title: props.kind === 'verified' ? 'Your identity is verified' : 'We could not verify your identity',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        {props.kind === 'verified' ? (
          <>
            <h1>Your identity is verified</h1>
            <p class="usa-intro">
              You verified your identity {props.method === 'video' ? 'on a video call' : 'yourself'}
              {props.verifiedAt ? ` on ${props.verifiedAt.slice(0, 10)}` : ''}. Partner services that need a
              verified identity can now receive it when you choose Allow. We sent a confirmation to your
              emails.
            </p>
            <p>
              <a class="usa-button" href="/account">
                Continue
              </a>
            </p>
          </>
        ) : (
          <>
            <h1>We could not verify your identity</h1>
            {props.kind === 'could-not-verify' ? (
              <p class="usa-intro">
                The information you entered could not be verified against records. For your protection, we do
                not say which part did not match. You can verify with an agent instead: it takes a short video
                call.
              </p>
            ) : props.kind === 'denied' ? (
              <p class="usa-intro">
                The agent on your video call could not verify your identity.{' '}
                {props.denialReason ? DENIAL_REASONS[props.denialReason] : ''}
              </p>
            ) : (
              <p class="usa-intro">
                We could not verify your identity. If you think this is a mistake, contact the organization
                that runs this service.
              </p>
            )}
            {props.videoOffered ? <VideoOffer csrfToken={props.csrfToken} /> : null}
            {props.kind === 'fraud' ? null : (
              <Form action="/verify/start-over" csrfToken={props.csrfToken}>
                <button class="usa-button usa-button--outline" type="submit">
                  Start over
                </button>
              </Form>
            )}
          </>
        )}
      </Narrow>
    ),
  });
}

function VideoOffer(props: Page & { detailsFirst?: boolean }) {
  if (props.detailsFirst) {
    return (
      <>
        <p>An agent checks your ID and information with you on a short video call.</p>
        <p>
          <a class="usa-button" href="/verify/details">
            Verify with a short video call
          </a>
        </p>
      </>
    );
  }
  return (
    <Form action="/verify/video" csrfToken={props.csrfToken}>
      <p>An agent checks your ID and information with you on a short video call.</p>
      <Submit>Verify with a short video call</Submit>
    </Form>
  );
}

/** A second account proving an SSN that is verified already: what to do, and nothing about that account. */
export function ssnHeldPage(props: Page): string {
  return renderPage({
    title: 'This identity is already verified',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>This identity is already verified on another account</h1>
        <p class="usa-intro">
          An identity can be verified on only one Verity account, and this one already is. If the other
          account is yours, sign in to it and use it instead.
        </p>
        <ul class="usa-list">
          <li>
            If you forgot its password, select <strong>Forgot password?</strong> on the sign-in page and enter
            an email you used for it.
          </li>
          <li>
            If you cannot reach its emails or sign-in methods, contact the organization that runs this
            service.
          </li>
        </ul>
        <p>Nothing was saved about this attempt that could identify the other account.</p>
        <p>
          <a href="/account">Back to My Account</a>
        </p>
      </Narrow>
    ),
  });
}

/** A verification limit: what it is and when to come back (the message is the problem's). */
export function verificationLimitPage(props: Page & { message: string }): string {
  return renderPage({
    title: 'Come back later',
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <Narrow>
        <h1>Come back later</h1>
        <p class="usa-intro">{props.message}</p>
        <p>
          <a href="/account">Back to My Account</a>
        </p>
      </Narrow>
    ),
  });
}
