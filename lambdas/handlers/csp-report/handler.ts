/**
 * Content-Security-Policy violation reports. A report says which directive blocked what; we log
 * the directive and the blocked origin only, never the page URL or sample (they can carry
 * tokens or personal data), and answer 204.
 */
import * as v from 'valibot';
import { httpHandler } from '../../http/handler.ts';
import { logger } from '../../http/logger.ts';
import { noContent } from '../../http/respond.ts';

const text = v.optional(v.pipe(v.string(), v.maxLength(2048)));

/** The legacy `report-uri` format. */
const legacyReport = v.object({
  'csp-report': v.object({
    'violated-directive': text,
    'effective-directive': text,
    'blocked-uri': text,
  }),
});

/** The Reporting API format: a list of reports. */
const reportingApi = v.pipe(
  v.array(
    v.object({
      type: v.string(),
      body: v.optional(v.object({ effectiveDirective: text, blockedURL: text })),
    }),
  ),
  v.maxLength(50),
);

const schema = v.union([legacyReport, reportingApi], 'Expected a CSP violation report.');

export const handler = httpHandler(
  'csp-report',
  { body: { kinds: ['json'], schema, maxBytes: 8 * 1024 } },
  ({ body }) => {
    for (const violation of violations(body)) logger.warn('csp violation', violation);
    return noContent();
  },
);

function violations(body: v.InferOutput<typeof schema>): { directive: string; blockedOrigin: string }[] {
  if (Array.isArray(body)) {
    return body
      .filter((r) => r.type === 'csp-violation')
      .map((r) => ({
        directive: r.body?.effectiveDirective ?? 'unknown',
        blockedOrigin: originOf(r.body?.blockedURL),
      }));
  }
  const report = body['csp-report'];
  return [
    {
      directive: report['effective-directive'] ?? report['violated-directive'] ?? 'unknown',
      blockedOrigin: originOf(report['blocked-uri']),
    },
  ];
}

/** `inline`, `eval` and the like stay as they are; URLs are cut to their origin. */
function originOf(uri: string | undefined): string {
  if (!uri) return 'unknown';
  try {
    return new URL(uri).origin;
  } catch {
    return /^[a-z-]{1,20}$/.test(uri) ? uri : 'unknown';
  }
}
