/** The little HTTP the demo partner needs on top of node:http: forms, cookies, pages, redirects. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown by a route to answer with a page at a status (a refused request, a bad form). */
export class Answer extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/** One page or action of a demo partner, by method and path. */
export type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const FORM_LIMIT = 16 * 1024;

/** The fields of an `application/x-www-form-urlencoded` body, up to 16 KB. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new Answer(415, 'Send this form from its page.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT) throw new Answer(413, 'That form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function cookiesOf(request: IncomingMessage): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) found.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return found;
}

/**
 * Every answer: no caching, no framing, no referrer (a callback's URL holds a code), and a
 * policy that lets forms lead only here and to Verity (sign-in and sign-out redirect there).
 */
export function securityHeaders(issuerOrigin: string): Record<string, string> {
  return {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${issuerOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

export function sendPage(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end(body);
}

export function redirect(response: ServerResponse, location: string | URL): void {
  response.writeHead(303, { Location: String(location) });
  response.end();
}
