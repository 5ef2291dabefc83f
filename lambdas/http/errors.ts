/**
 * Errors that a request can end in. Each carries what is safe to show: a status, a stable code
 * for partners and a sentence for people. Anything that is not an HttpError becomes a 500 that
 * reveals nothing.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Stable, machine-readable code (OAuth style) for JSON answers. */
    readonly code: string,
    /** A sentence a member can act on. Never personal data, never internals. */
    readonly publicMessage: string,
    readonly headers: Record<string, string> = {},
    readonly details?: readonly { path: string; message: string }[],
    /** Field-level errors by field name (a partner registration), for JSON answers. */
    readonly fields?: Readonly<Record<string, string>>,
  ) {
    super(publicMessage);
    this.name = 'HttpError';
  }
}

/**
 * Not an error but a detour: thrown from deep inside a handler (a page that needs a signed-in
 * member) and answered with a 303 to `location`.
 */
export const seeOther = (location: string) =>
  new HttpError(303, 'see_other', 'Redirecting.', { Location: location });

export const badRequest = (message: string, details?: HttpError['details']) =>
  new HttpError(400, 'invalid_request', message, {}, details);

export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

export const notFound = (message = 'There is no page at this address.') =>
  new HttpError(404, 'not_found', message);

export const methodNotAllowed = (allow: readonly string[]) =>
  new HttpError(405, 'method_not_allowed', 'This address does not accept that kind of request.', {
    Allow: allow.join(', '),
  });

export const payloadTooLarge = (limitBytes: number) =>
  new HttpError(413, 'payload_too_large', `The request body is larger than ${formatBytes(limitBytes)}.`);

export const unsupportedMediaType = (accepted: readonly string[]) =>
  new HttpError(415, 'unsupported_media_type', `Send the request body as ${accepted.join(' or ')}.`);

export const internalError = () =>
  new HttpError(500, 'server_error', 'Something went wrong on our side. Please try again in a few minutes.');

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
