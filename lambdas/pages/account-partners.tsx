/**
 * Connected partners, the third part of My Account: the partners the member signed in to with
 * Verity and allowed to receive their information, what each receives, and Disconnect.
 */

import type { Connection } from '../partners/connections.ts';
import { renderAccountPage } from './account-area.tsx';

export type { Connection };

export const NO_PARTNERS =
  'You have not connected any partners yet. When you sign in to a partner with Verity and select Allow, it appears here.';

/**
 * A partner's name as the Disconnect notice may show it from the address it came back to:
 * letters, digits, spaces and a little punctuation, nothing that could pass for instructions.
 */
export const shownPartnerName = (value: string | undefined): string | undefined =>
  value !== undefined && /^[\p{L}\p{N}][\p{L}\p{N} .,&'()-]{0,79}$/u.test(value) ? value : undefined;

export function partnersPage(props: {
  csrfToken: string;
  connections: readonly Connection[];
  notice?: string;
  /** The partner just disconnected, for the notice. */
  partner?: string;
}): string {
  const notice =
    props.notice === 'partner-disconnected'
      ? `Disconnected. ${shownPartnerName(props.partner) ?? 'The partner'} no longer receives your information.`
      : undefined;
  const connections = [...props.connections].sort((a, b) => a.partnerName.localeCompare(b.partnerName));
  return renderAccountPage({
    part: 'partners',
    csrfToken: props.csrfToken,
    notice,
    children:
      connections.length === 0 ? (
        <p>{NO_PARTNERS}</p>
      ) : (
        <>
          <p>
            These partners receive your information when you sign in to them with Verity. Disconnect a partner
            to stop it.
          </p>
          <ul class="usa-list usa-list--unstyled">
            {connections.map((connection, index) => (
              <PartnerRow
                key={connection.clientId}
                id={`partner-${index}`}
                connection={connection}
                csrfToken={props.csrfToken}
              />
            ))}
          </ul>
        </>
      ),
  });
}

function PartnerRow({
  id,
  connection,
  csrfToken,
}: {
  id: string;
  connection: Connection;
  csrfToken: string;
}) {
  return (
    <li class="border-bottom-1px border-base-lighter padding-y-2">
      <h2 class="font-sans-md margin-top-0" id={id}>
        {connection.partnerName}
      </h2>
      <p class="margin-bottom-05">Receives:</p>
      <ul class="usa-list margin-top-0">
        {connection.receives.map((what) => (
          <li key={what}>{what}</li>
        ))}
      </ul>
      <p>
        Connected {day(connection.connectedAt)}
        {connection.lastUsedAt ? `. Last used ${day(connection.lastUsedAt)}` : ''}.
      </p>
      <form method="post" action="/account/partners/disconnect">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="clientId" value={connection.clientId} />
        {/* The name stays the word members are told to press; the partner is its description. */}
        <button type="submit" class="usa-button usa-button--outline usa-button--small" aria-describedby={id}>
          Disconnect
        </button>
      </form>
    </li>
  );
}

/** A day in words, "November 29, 2026" (UTC), or the text as it came if it is not a time. */
function day(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? iso
    : at.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}
