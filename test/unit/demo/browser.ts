/**
 * A browser as far as the demo partner tests need one: fetch with a cookie jar that honours each
 * cookie's Path, redirects followed by hand (so a test sees every hop), and the CSRF token of the
 * last page's forms.
 */

export interface Visit {
  readonly status: number;
  readonly url: URL;
  readonly location?: URL;
  readonly body: string;
  readonly headers: Headers;
}

export class Browser {
  readonly #cookies = new Map<string, { value: string; path: string }>();
  csrf = '';

  async get(url: string | URL): Promise<Visit> {
    return this.#fetch(new URL(url), { method: 'GET' });
  }

  /** Posts a form, with the CSRF token of the last page unless the fields say otherwise. */
  async post(url: string | URL, fields: Record<string, string> = {}): Promise<Visit> {
    return this.#fetch(new URL(url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
    });
  }

  /** Follows redirects from a visit while they stay on one of these origins; returns the last visit. */
  async follow(visit: Visit, origins: readonly string[]): Promise<Visit> {
    let current = visit;
    while (current.location && origins.includes(current.location.origin))
      current = await this.get(current.location);
    return current;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  async #fetch(url: URL, init: RequestInit): Promise<Visit> {
    const cookie = [...this.#cookies]
      .filter(
        ([, c]) =>
          url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { Cookie: cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (attributes.some((a) => a.toLowerCase() === 'max-age=0')) this.#cookies.delete(name);
      else this.#cookies.set(name, { value: pair.slice(at + 1), path });
    }
    const body = await response.text();
    const csrf = body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (csrf) this.csrf = csrf;
    const location = response.headers.get('location');
    return {
      status: response.status,
      url,
      body,
      headers: response.headers,
      ...(location ? { location: new URL(location, url) } : {}),
    };
  }
}
