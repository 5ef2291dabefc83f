/**
 * The local stand-in for a phone: texts and voice calls that handlers "send" are lines in the
 * outbox file (lambdas/mfa/texts.ts writes them); the gateway shows them at /_local/texts, and as
 * JSON at /_local/texts.json for tests. Local only: no route in lib/routes.ts, nothing in the cloud.
 */
import { readFile } from 'node:fs/promises';
import type { OutboxText } from '../../lambdas/mfa/texts.ts';

export const TEXT_OUTBOX_PATHS = { page: '/_local/texts', json: '/_local/texts.json' } as const;

/** Every text in the outbox, newest first; a missing file is an empty outbox. */
export async function readTextOutbox(file: string): Promise<OutboxText[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const texts: OutboxText[] = [];
  for (const line of content.split('\n')) {
    if (!line.trim()) continue;
    try {
      texts.push(JSON.parse(line) as OutboxText);
    } catch {
      // A line cut short by a crash mid-append: skip it, keep the rest.
    }
  }
  return texts.reverse();
}

const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const CHANNELS: Record<string, string> = { sms: 'Text message', voice: 'Voice call' };

export function textOutboxPage(texts: readonly OutboxText[]): string {
  const rows = texts
    .map(
      (t) =>
        `<tr><td><time datetime="${escapeHtml(t.at)}">${escapeHtml(t.at)}</time></td>` +
        `<td>${escapeHtml(t.to)}</td><td>${escapeHtml(CHANNELS[t.channel] ?? t.channel)}</td>` +
        `<td>${escapeHtml(t.message)}</td></tr>`,
    )
    .join('\n');
  const list =
    texts.length === 0
      ? '<p>No texts yet. Set up a phone on the site, and the codes it sends appear here.</p>'
      : `<table class="usa-table usa-table--striped">
<caption>${texts.length} ${texts.length === 1 ? 'message' : 'messages'}, newest first</caption>
<thead><tr><th scope="col">Sent (UTC)</th><th scope="col">To</th><th scope="col">How</th><th scope="col">Message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Text outbox | Verity (local)</title>
<link rel="icon" href="/assets/uswds/img/favicons/favicon.ico">
<link rel="stylesheet" href="/assets/uswds/css/uswds.min.css">
</head>
<body>
<main id="main-content" class="grid-container usa-section">
<h1>Text outbox</h1>
<p class="usa-intro">Texts and voice calls Verity sent while running on this machine. In the cloud they go out through AWS End User Messaging.</p>
<p><a href="${TEXT_OUTBOX_PATHS.json}">The same as JSON</a></p>
${list}
</main>
</body>
</html>
`;
}

/** Headers like the site's own pages: nothing inline may run, nothing may be cached. */
export const TEXT_OUTBOX_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;
