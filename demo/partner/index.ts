/**
 * The demo partner app: two relying parties of Verity, Demo XMS (/xms/) and Demo IRS (/irs/),
 * on one small node:http server that `npm start` runs beside Verity (port 3001). It is a
 * stand-in for a partner's own site, built only on openid-client and its configuration object
 * (the content of `.verity/demo-partners.json`); it is not part of what Verity deploys.
 */
import { createServer, type Server } from 'node:http';
import type { DemoPartners } from './config.ts';
import { html, page, STYLESHEET } from './html.ts';
import { Answer, type Route, securityHeaders, sendPage } from './http.ts';
import { irsRoutes } from './irs.ts';
import { xmsRoutes } from './xms.ts';

export type { DemoPartners, PrivateJwk } from './config.ts';
export { demoPartnerPaths } from './config.ts';

export interface DemoPartnerOptions {
  readonly port: number;
  readonly host: string;
  /** Verity's issuer identifier; discovery happens at the first sign-in, not at start. */
  readonly issuer: string;
  readonly partners: DemoPartners;
}

function indexPage(): string {
  return page({
    title: 'Verity demo partners',
    body: html`<p>Two made-up partner services that sign their users in with Verity over OpenID Connect.</p>
<ul>
<li><a href="/xms/">Demo XMS</a>: a service with accounts of its own that you can link to Verity, or create by signing in with Verity.</li>
<li><a href="/irs/">Demo IRS</a>: shows every claim Verity shares with it, after a sign-in or an identity verification.</li>
</ul>`,
  });
}

export async function startDemoPartner(
  options: DemoPartnerOptions,
): Promise<{ server: Server; url: string }> {
  const { issuer, partners } = options;
  const routes = new Map<string, Route>([
    ['GET /', async (_request, response) => sendPage(response, 200, indexPage())],
    [
      'GET /favicon.ico',
      async (_request, response) => {
        response.writeHead(204);
        response.end();
      },
    ],
    [
      'GET /demo.css',
      async (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
        response.end(STYLESHEET);
      },
    ],
    ...xmsRoutes(partners, issuer),
    ...irsRoutes(partners, issuer),
  ]);
  const headers = securityHeaders(new URL(issuer).origin);
  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    const path = new URL(request.url ?? '/', 'http://demo.invalid').pathname;
    const route = routes.get(`${request.method} ${path}`);
    const answer = (status: number, body: string) => {
      if (response.headersSent) return response.destroy();
      sendPage(response, status, body);
    };
    if (!route) {
      const known = [...routes.keys()].some((key) => key.endsWith(` ${path}`));
      return answer(
        known ? 405 : 404,
        page({
          title: 'Page not found',
          body: html`<p>There is no such page. <a href="/">Demo partners</a></p>`,
        }),
      );
    }
    route(request, response).catch((error: unknown) => {
      if (error instanceof Answer) {
        return answer(
          error.status,
          error.body.startsWith('<!doctype')
            ? error.body
            : page({ title: 'Not done', body: html`<p>${error.body}</p>` }),
        );
      }
      process.stderr.write(
        `demo partner: ${request.method} ${path} failed: ${(error as Error).stack ?? error}\n`,
      );
      answer(
        500,
        page({
          title: 'Something went wrong',
          body: html`<p>Something went wrong. <a href="/">Start again</a></p>`,
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const local = ['127.0.0.1', '::1', 'localhost'].includes(options.host);
  return { server, url: `http://${local ? 'localhost' : options.host}:${port}` };
}
