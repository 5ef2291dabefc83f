/**
 * The agent console: the workforce sign-in pages, the queue, a review (what the member submitted,
 * their pictures, the call, the decision) and the sandbox call page.
 */
import type { ComponentChildren } from 'preact';
import type { QueueOverview } from '../agents/queue.ts';
import type { ReviewView } from '../agents/review.ts';
import { DENIAL_REASONS } from '../verification/attempt.ts';
import { CallRoom } from './call-room.tsx';
import { ErrorSummary, Field, Form, Hidden, Narrow, Notice, SixDigitCode, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';

interface AgentPage {
  readonly csrfToken: string;
}

function consolePage(props: AgentPage & { title: string; children: ComponentChildren }) {
  return renderPage({ title: props.title, agent: { csrfToken: props.csrfToken }, children: props.children });
}

/* ---------------------------------------------------------------- signing in */

export function agentSignInPage(props: AgentPage & { username?: string; problem?: string; notice?: string }) {
  return renderPage({
    title: 'Agent sign in',
    children: (
      <Narrow>
        <h1>Agent sign in</h1>
        <p class="usa-intro">For Verity verification agents. Sign in with your workforce account.</p>
        {props.notice ? <Notice heading={props.notice} /> : null}
        <ErrorSummary problems={{ username: props.problem }} />
        <Form action="/agent/sign-in" csrfToken={props.csrfToken}>
          <Field
            name="username"
            label="Workforce email or username"
            type="email"
            autocomplete="username"
            value={props.username}
            error={props.problem}
          />
          <Field name="password" label="Password" type="password" autocomplete="current-password" />
          <Submit>Sign in</Submit>
        </Form>
      </Narrow>
    ),
  });
}

/**
 * The second step. Cognito's Session (its proof of the password step, 3 minutes) and the username
 * travel in hidden fields of this form: nothing is kept server-side, another tab cannot clobber
 * it, and it is worthless without the code.
 */
export function agentCodePage(
  props: AgentPage & {
    challenge: 'SOFTWARE_TOKEN_MFA' | 'SMS_MFA';
    session: string;
    username: string;
    problem?: string;
  },
) {
  const where =
    props.challenge === 'SMS_MFA'
      ? 'We sent a code to the phone of your workforce account.'
      : 'Open the authenticator app of your workforce account.';
  return renderPage({
    title: 'Enter your code',
    children: (
      <Narrow>
        <h1>Enter your code</h1>
        <p class="usa-intro">{where}</p>
        <ErrorSummary problems={{ code: props.problem }} />
        <Form action="/agent/sign-in/code" csrfToken={props.csrfToken}>
          <Hidden name="challenge" value={props.challenge} />
          <Hidden name="session" value={props.session} />
          <Hidden name="username" value={props.username} />
          <SixDigitCode error={props.problem} />
          <Submit>Continue</Submit>
        </Form>
        <p>
          <a href="/agent/sign-in">Start again</a>
        </p>
      </Narrow>
    ),
  });
}

/** What the console cannot do itself: first passwords and authenticator setup belong to the workforce admin. */
export function agentAccountNotReadyPage(props: { reason: 'new-password' | 'mfa-setup' }) {
  const text =
    props.reason === 'new-password'
      ? 'Your workforce account still has the temporary password it was created with. Ask your workforce administrator to set your password, then sign in again.'
      : 'Your workforce account needs an authenticator app before you can sign in. Ask your workforce administrator to help you set one up, then sign in again.';
  return renderPage({
    title: 'Your workforce account is not ready',
    children: (
      <Narrow>
        <h1>Your workforce account is not ready</h1>
        <p class="usa-intro">{text}</p>
        <p>
          <a class="usa-button" href="/agent/sign-in">
            Back to sign in
          </a>
        </p>
      </Narrow>
    ),
  });
}

/* ---------------------------------------------------------------- the queue */

const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);

export function agentQueuePage(props: AgentPage & { queue: QueueOverview; notice?: string }) {
  const count = props.queue.waiting.length;
  return consolePage({
    ...props,
    title: 'Video verification queue',
    children: (
      <>
        <h1>Video verification queue</h1>
        {props.notice ? <Notice heading={props.notice} kind="info" /> : null}
        <p class="usa-intro">
          {count === 0
            ? 'Nobody is waiting.'
            : count === 1
              ? '1 member is waiting.'
              : `${count} members are waiting.`}
        </p>
        {count > 0 ? (
          <table class="usa-table usa-table--borderless">
            <caption>Members waiting, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Place</th>
                <th scope="col">Waiting for</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.queue.waiting.map((w, i) => (
                <tr key={String(i)}>
                  <td>{i + 1}</td>
                  <td>{minutes(w.minutes)}</td>
                  <td>{w.away ? 'Stepped away' : 'Waiting'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Form action="/agent/take" csrfToken={props.csrfToken}>
          <Submit>Take the next member</Submit>
        </Form>
      </>
    ),
  });
}

/* ---------------------------------------------------------------- a review */

const PART_NAMES = { front: 'Document, front', back: 'Document, back', selfie: 'Selfie' } as const;
const DOCUMENT_NAMES = { 'drivers-license': "Driver's license or state ID", passport: 'Passport' } as const;
const DECISION_NAMES = {
  approved: 'Approved',
  denied: 'Denied',
  fraud: 'Flagged as suspected fraud',
} as const;

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

export function agentReviewPage(props: AgentPage & { review: ReviewView; problem?: string }) {
  const { review } = props;
  const base = `/agent/reviews/${review.reviewId}`;
  return consolePage({
    ...props,
    title: 'Review',
    children: (
      <>
        <h1>Review</h1>
        {review.decision ? (
          <Notice heading={`Decided: ${DECISION_NAMES[review.decision]}`} kind="info">
            The member was told by mail. Their pictures are deleted.
          </Notice>
        ) : null}
        {props.problem ? (
          <div class="usa-alert usa-alert--error" role="alert">
            <div class="usa-alert__body">
              <p class="usa-alert__text">{props.problem}</p>
            </div>
          </div>
        ) : null}
        <h2>The call</h2>
        <p>
          <a class="usa-button usa-button--outline" href={`${base}/call`}>
            Open the call
          </a>
        </p>
        {review.person ? (
          <>
            <h2>What the member submitted</h2>
            <table class="usa-table usa-table--borderless">
              <tbody>
                <Row label="Document">{review.documentType ? DOCUMENT_NAMES[review.documentType] : ''}</Row>
                <Row label="Legal name">{`${review.person.givenName} ${review.person.familyName}`}</Row>
                <Row label="Date of birth">{review.person.birthdate}</Row>
                <Row label="Address">
                  {`${review.person.street}, ${review.person.city}, ${review.person.state} ${review.person.postalCode}`}
                </Row>
                <Row label="Social Security number">{`•••-••-${review.person.ssnLast4}`}</Row>
                <Row label="Phone">{review.person.phone}</Row>
              </tbody>
            </table>
          </>
        ) : null}
        {review.pictures.length > 0 ? (
          <>
            <h2>Pictures</h2>
            <p class="usa-hint">These links work for 5 minutes. Reload the page to see them again.</p>
            <div class="grid-row grid-gap">
              {review.pictures.map((p) => (
                <figure key={p.part} class="tablet:grid-col-4">
                  <img src={p.url} alt={PART_NAMES[p.part]} class="verity-evidence" />
                  <figcaption>{PART_NAMES[p.part]}</figcaption>
                </figure>
              ))}
            </div>
          </>
        ) : null}
        {review.decision ? null : <DecisionForms action={`${base}/decide`} csrfToken={props.csrfToken} />}
        <p>
          <a href="/agent">Back to the queue</a>
        </p>
      </>
    ),
  });
}

function DecisionForms({ action, csrfToken }: { action: string; csrfToken: string }) {
  return (
    <>
      <h2>Decision</h2>
      <Form action={action} csrfToken={csrfToken}>
        <Hidden name="decision" value="approve" />
        <Submit>Approve</Submit>
      </Form>
      <Form action={action} csrfToken={csrfToken}>
        <Hidden name="decision" value="deny" />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Reason for denying</legend>
          {Object.entries(DENIAL_REASONS).map(([code, text], i) => (
            <div class="usa-radio" key={code}>
              <input
                class="usa-radio__input"
                id={`reason-${code}`}
                type="radio"
                name="reason"
                value={code}
                checked={i === 0}
              />
              <label class="usa-radio__label" for={`reason-${code}`}>
                {text}
              </label>
            </div>
          ))}
        </fieldset>
        <button class="usa-button usa-button--secondary" type="submit">
          Deny
        </button>
      </Form>
      <Form action={action} csrfToken={csrfToken}>
        <Hidden name="decision" value="fraud" />
        <p>The member is told only that their identity could not be verified.</p>
        <button class="usa-button usa-button--secondary" type="submit">
          Flag suspected fraud
        </button>
      </Form>
    </>
  );
}

/** After a decision: what happened, and the way back to the queue. */
export function agentDecidedPage(
  props: AgentPage & { outcome: 'approved' | 'denied' | 'fraud' | 'ssn-held'; reviewId: string },
) {
  const texts = {
    approved: ['Approved', "The member's identity is verified. They were told by mail."],
    denied: ['Denied', 'The member was told by mail, with the reason. Their pictures are deleted.'],
    fraud: [
      'Flagged as suspected fraud',
      'The member was told only that their identity could not be verified. Their pictures are deleted.',
    ],
    'ssn-held': [
      'This identity is already verified on another account',
      'You cannot approve this member: the identity they showed is verified on another Verity account. Deny or flag the review instead.',
    ],
  } as const;
  const [heading, text] = texts[props.outcome];
  return consolePage({
    ...props,
    title: heading,
    children: (
      <Narrow>
        <h1>{heading}</h1>
        <p class="usa-intro">{text}</p>
        <p>
          {props.outcome === 'ssn-held' ? (
            <a class="usa-button" href={`/agent/reviews/${props.reviewId}`}>
              Back to the review
            </a>
          ) : (
            <a class="usa-button" href="/agent">
              Back to the queue
            </a>
          )}
        </p>
      </Narrow>
    ),
  });
}

/** The call, locally and in tests: the sandbox room has no media. */
export function agentCallPage(
  props: AgentPage & { reviewId: string; meetingId: string; provider: 'sandbox' | 'chime' },
) {
  return consolePage({
    ...props,
    title: 'Video call',
    children: (
      <Narrow>
        <h1>Video call</h1>
        <CallRoom provider={props.provider} meetingId={props.meetingId} other="The member" />
        <p>When you are done, tell the member, then decide on the review.</p>
        <p>
          <a class="usa-button" href={`/agent/reviews/${props.reviewId}`}>
            Back to the review
          </a>
        </p>
      </Narrow>
    ),
  });
}
