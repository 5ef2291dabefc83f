/** The video call as both sides see it: the sandbox room (no media) locally, who is on the call. */
import { Notice } from './forms.tsx';

export function CallRoom(props: { provider: 'sandbox' | 'chime'; meetingId: string; other: string }) {
  return (
    <>
      {props.provider === 'sandbox' ? (
        <Notice heading="Sandbox call" kind="info">
          This is the sandbox call room: there is no camera or sound here.
        </Notice>
      ) : null}
      <h2>On the call</h2>
      <ul class="usa-list">
        <li>You</li>
        <li>{props.other}</li>
      </ul>
      <p class="usa-hint">Call {props.meetingId}</p>
    </>
  );
}
