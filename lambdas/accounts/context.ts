/**
 * What a domain operation knows of the request it serves: the time, where links should point,
 * and a coarse device and place for the history page. Never the IP address itself.
 */
import type { EventType, HistoryEvent } from '../store/items.ts';

export interface RequestContext {
  readonly now: Date;
  /** Origin for links in mail, e.g. https://id.example.gov */
  readonly siteUrl: string;
  /** "Chrome on Windows": what the history page shows. */
  readonly device: string;
  /** A country code from CloudFront, or "Unknown". */
  readonly place: string;
  /** Only for rate-limit keys, which are hashed before they are stored. */
  readonly ip: string;
}

export const historyEvent = (type: EventType, context: RequestContext, detail?: string): HistoryEvent => ({
  type,
  at: context.now.toISOString(),
  device: context.device,
  place: context.place,
  ...(detail ? { detail } : {}),
});

export const inHours = (now: Date, hours: number) => Math.floor(now.getTime() / 1000) + hours * 3600;

/** "Chrome on Windows", from a User-Agent; coarse on purpose. */
export function describeDevice(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser =
    [
      ['Edg/', 'Edge'],
      ['OPR/', 'Opera'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ].find(([token]) => ua.includes(token as string))?.[1] ?? 'A browser';
  const os =
    [
      ['Android', 'Android'],
      ['iPhone', 'iOS'],
      ['iPad', 'iPadOS'],
      ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([token]) => ua.includes(token as string))?.[1] ?? 'an unknown system';
  return `${browser} on ${os}`;
}
