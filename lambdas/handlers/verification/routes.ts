/** What every route module of the verification Lambda shares. */
import type { HttpRequest } from '../../http/handler.ts';
import type { HttpResult } from '../../http/respond.ts';

export type Request = HttpRequest<Record<string, string> | undefined>;
export type Route = (request: Request) => Promise<HttpResult>;
