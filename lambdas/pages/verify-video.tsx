/**
 * The member's side of the video call: the offer, the place in the queue and the wait (updated
 * by assets/video-queue.js where JavaScript runs; reloaded every 30 seconds, and a "Check my
 * place" link, where it does not), having left with the place kept, a released place, and the
 * sandbox call page.
 */
import type { ComponentChildren } from 'preact';
import { CallRoom } from './call-room.tsx';
import { Form, Narrow, Notice, Submit } from './forms.tsx';
import { renderPage } from './layout.tsx';

const QUEUE_SCRIPT = '/assets/verity/video-queue.js';
const STATUS_PATH = '/verify/video/status';
/** Without JavaScript the queue page reloads itself this often. */
const RELOAD_SECONDS = 30;

interface MemberPage {
  readonly csrfToken: string;
}

function page(props: MemberPage & { title: string; children: ComponentChildren; polls?: boolean }) {
  return renderPage({
    title: props.title,
    signedIn: { csrfToken: props.csrfToken },
    ...(props.polls ? { scripts: [QUEUE_SCRIPT], reloadsWithoutScript: RELOAD_SECONDS } : {}),
    children: <Narrow>{props.children}</Narrow>,
  });
}

const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);

/** Ready for the call, not in the queue yet. */
export function videoOfferPage(props: MemberPage): string {
  return page({
    ...props,
    title: 'Verify with a short video call',
    children: (
      <>
        <h1>Verify with a short video call</h1>
        <p class="usa-intro">
          An agent looks at your document and at you on a short call, and checks the information you entered.
          Have your document with you.
        </p>
        <p>
          You join a queue and see your place and the wait. If you need to step away, you can leave the queue:
          we keep your place for 10 minutes.
        </p>
        <Form action="/verify/video" csrfToken={props.csrfToken}>
          <Submit>Join the queue</Submit>
        </Form>
      </>
    ),
  });
}

/** In the queue: the place and the wait, kept current by the script. */
export function queuePage(props: MemberPage & { position: number; waitMinutes: number }): string {
  return page({
    ...props,
    polls: true,
    title: 'You are in the queue',
    children: (
      <>
        <h1>You are in the queue</h1>
        {/* The script rewrites this region every 5 seconds; screen readers hear the change. */}
        <div data-video-status={STATUS_PATH} aria-live="polite">
          <p class="usa-intro">
            You are number <strong data-video-position="">{props.position}</strong> in line.
          </p>
          <p>
            The estimated wait is about <strong data-video-wait="">{minutes(props.waitMinutes)}</strong>.
          </p>
        </div>
        <p>Keep this page open. It updates by itself, and shows a button when an agent is ready for you.</p>
        <p>
          <a href="/verify/video">Check my place</a>
        </p>
        <Form action="/verify/video/leave" csrfToken={props.csrfToken}>
          <p>
            If you leave the queue, we keep your place for 10 minutes. Come back to this page to continue.
          </p>
          <button class="usa-button usa-button--outline" type="submit">
            Leave the queue
          </button>
        </Form>
      </>
    ),
  });
}

/** Left the queue: the place is kept 10 minutes. */
export function leftQueuePage(props: MemberPage & { position: number }): string {
  return page({
    ...props,
    title: 'You left the queue',
    children: (
      <>
        <h1>You left the queue</h1>
        <Notice heading="We keep your place for 10 minutes" kind="info">
          {`You were number ${props.position} in line. Come back within 10 minutes to keep your place; after that, it is released.`}
        </Notice>
        <p>
          <a class="usa-button" href="/verify/video">
            Back to the queue
          </a>
        </p>
      </>
    ),
  });
}

/** An agent took the member. */
export function calledPage(props: MemberPage): string {
  return page({
    ...props,
    polls: true,
    title: 'An agent is ready for you',
    children: (
      <>
        <h1>An agent is ready for you</h1>
        <div data-video-status={STATUS_PATH} aria-live="polite">
          <p class="usa-intro">Have your document with you, then join the call.</p>
        </div>
        <p>
          <a class="usa-button" href="/verify/call">
            Join the call
          </a>
        </p>
      </>
    ),
  });
}

/** The place lapsed: nobody was seen on it for 10 minutes. */
export function releasedPage(props: MemberPage): string {
  return page({
    ...props,
    title: 'Your place was released',
    children: (
      <>
        <h1>Your place was released</h1>
        <p class="usa-intro">
          You were away from the queue for more than 10 minutes, so your place went to the next person.
          Nothing you entered is lost.
        </p>
        <Form action="/verify/video" csrfToken={props.csrfToken}>
          <Submit>Join the queue again</Submit>
        </Form>
      </>
    ),
  });
}

/**
 * The call, locally and in tests: the sandbox room has no media. It says who is on the call; the
 * agent decides, and the script takes the member on to the result once they did.
 */
export function callPage(props: MemberPage & { meetingId: string; provider: 'sandbox' | 'chime' }): string {
  return page({
    ...props,
    polls: true,
    title: 'Video call',
    children: (
      <>
        <h1>Video call</h1>
        <CallRoom provider={props.provider} meetingId={props.meetingId} other="A Verity agent" />
        <div data-video-status={STATUS_PATH} aria-live="polite">
          <p class="usa-intro">The agent will tell you when it is done.</p>
        </div>
        <p>
          <a href="/verify/video">See my result</a>
        </p>
      </>
    ),
  });
}
