/**
 * In-memory sessions, one store per demo partner: a random id in an HttpOnly, SameSite=Lax
 * cookie scoped to the partner's path, so Demo XMS and Demo IRS behave like two sites. A session
 * also holds the partner's authorization requests in flight, by `state`, and a CSRF token that
 * every form of the partner carries.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Answer, cookiesOf } from './http.ts';
import type { PendingAuthorization } from './oidc.ts';

const IDLE_MS = 60 * 60 * 1000;
/** An authorization request not answered within this long is forgotten. */
const PENDING_MS = 10 * 60 * 1000;
const MAX_PENDING = 10;

export interface Session<T> {
  readonly id: string;
  readonly csrf: string;
  seenAt: number;
  data: T;
  readonly pending: Map<string, PendingAuthorization & { readonly startedAt: number }>;
}

export class Sessions<T> {
  readonly #byId = new Map<string, Session<T>>();

  constructor(
    private readonly cookie: string,
    private readonly path: string,
    private readonly empty: () => T,
  ) {}

  find(request: IncomingMessage): Session<T> | undefined {
    const id = cookiesOf(request).get(this.cookie);
    const session = id ? this.#byId.get(id) : undefined;
    if (!session) return undefined;
    if (Date.now() - session.seenAt > IDLE_MS) {
      this.#byId.delete(session.id);
      return undefined;
    }
    session.seenAt = Date.now();
    return session;
  }

  /** The request's session, or a new one (its cookie set on the response). */
  ensure(request: IncomingMessage, response: ServerResponse): Session<T> {
    return this.find(request) ?? this.#create(response);
  }

  /** A new session in place of the old one, at every sign-in: an id known before it is worth nothing after. */
  replace(response: ServerResponse, old: Session<T> | undefined, data: T): Session<T> {
    if (old) this.#byId.delete(old.id);
    const session = this.#create(response);
    session.data = data;
    return session;
  }

  end(response: ServerResponse, session: Session<T> | undefined): void {
    if (session) this.#byId.delete(session.id);
    response.appendHeader(
      'Set-Cookie',
      `${this.cookie}=; Path=${this.path}; HttpOnly; SameSite=Lax; Max-Age=0`,
    );
  }

  /** Refuses a form that does not carry this session's CSRF token. */
  checkForm(session: Session<T> | undefined, form: URLSearchParams): asserts session is Session<T> {
    const sent = Buffer.from(form.get('_csrf') ?? '');
    const expected = Buffer.from(session?.csrf ?? '');
    if (!session || sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      throw new Answer(403, 'This form has expired. Go back, reload the page and try again.');
    }
  }

  remember(session: Session<T>, pending: PendingAuthorization): void {
    this.#forgetOld(session);
    if (session.pending.size >= MAX_PENDING) {
      const oldest = session.pending.keys().next().value;
      if (oldest !== undefined) session.pending.delete(oldest);
    }
    session.pending.set(pending.state, { ...pending, startedAt: Date.now() });
  }

  /** The authorization request this `state` belongs to, taken out: each answers once. */
  take(session: Session<T> | undefined, state: string | null): PendingAuthorization | undefined {
    if (!session || !state) return undefined;
    this.#forgetOld(session);
    const pending = session.pending.get(state);
    session.pending.delete(state);
    return pending;
  }

  #forgetOld(session: Session<T>): void {
    for (const [state, pending] of session.pending) {
      if (Date.now() - pending.startedAt > PENDING_MS) session.pending.delete(state);
    }
  }

  #create(response: ServerResponse): Session<T> {
    const now = Date.now();
    for (const [id, session] of this.#byId) if (now - session.seenAt > IDLE_MS) this.#byId.delete(id);
    const session: Session<T> = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      seenAt: now,
      data: this.empty(),
      pending: new Map(),
    };
    this.#byId.set(session.id, session);
    response.appendHeader(
      'Set-Cookie',
      `${this.cookie}=${session.id}; Path=${this.path}; HttpOnly; SameSite=Lax`,
    );
    return session;
  }
}
