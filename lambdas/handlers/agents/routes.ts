/** What every route module of the agents Lambda shares. */
import * as v from 'valibot';
import type { BodySpec } from '../../http/body.ts';
import type { HttpRequest } from '../../http/handler.ts';
import type { HttpResult } from '../../http/respond.ts';

export type Request = HttpRequest<Record<string, string> | undefined>;
export type Route = (request: Request) => Promise<HttpResult>;

/**
 * The console's forms: flat text fields, like every member form, except that the code step
 * carries Cognito's Session, an opaque string of a few kilobytes at most.
 */
export const agentFormBody: BodySpec<Record<string, string>> = {
  kinds: ['form'],
  schema: v.record(
    v.pipe(v.string(), v.maxLength(64)),
    v.pipe(v.string(), v.maxLength(8192, 'This field is too long.')),
  ),
  maxBytes: 16 * 1024,
};
