/**
 * The OpenID provider under load: Verity's token endpoint (code exchanges, refresh-token grants)
 * and userinfo, against bare oidc-provider on the same machine, and the DynamoDB requests behind
 * one code exchange and one userinfo.
 *
 * Verity runs as `npm start` runs it, in this process: the embedded AWS (DynamoDB Local in
 * memory, free ports, a throw-away folder) and the local gateway, which calls the OIDC Lambda's
 * handler in process (lib/local/start.ts). Bare oidc-provider runs in this process too, with its
 * in-memory adapter (bench/lib/bare-oidc.ts). The load comes from autocannon in a child process
 * (bench/lib/load.ts), the same plan for both: a few connections, a few seconds, client_secret_basic,
 * PKCE (S256), every code and refresh token used once.
 *
 * Codes: Verity's come from a real member's browser, which signs in through the provider once
 * (password, authenticator code, Allow) and then repeats the authorization, which the provider
 * answers at once from its session and the remembered consent; bare oidc-provider's are written
 * through its models for signed-in members. Refresh tokens rotate: each answer's new token goes
 * back into the pool the next request takes one from.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentClient } from '../lambdas/store/dynamo.ts';
import { startVerity } from '../lib/local/start.ts';
import { BARE_REDIRECT_URI, startBareProvider } from './lib/bare-oidc.ts';
import { type LoadOutcome, type LoadPlan, runLoad } from './lib/load.ts';
import { benchConfig } from './lib/local-config.ts';
import { quantile } from './lib/stats.ts';
import type { Suite, SuiteOutcome } from './lib/suite.ts';
import { formatTable, mark } from './lib/table.ts';
import {
  type AuthorizationParams,
  BenchBrowser,
  benchPartner,
  consentAgain,
  memberInStore,
  mintCodes,
  REDIRECT_URI,
  signInAndAllow,
  ssoCode,
} from './lib/verity-oidc.ts';

/** From the OIDC performance issue. */
export const AIMS = {
  /** Verity at most this many times slower than bare oidc-provider (throughput, p50, p99). */
  maxSlowdown: 2,
  codeExchange: { maxDynamoDbRequests: 5 },
  userinfo: { maxDynamoDbRequests: 2 },
} as const;

const CONNECTIONS = Number(process.env.BENCH_OIDC_CONNECTIONS ?? 4);
const DURATION_S = Number(process.env.BENCH_OIDC_SECONDS ?? 5);
/** Verity mints its codes over HTTP; they live 60 s, so minting is held to this long. */
const VERITY_MINT_BUDGET_MS = 20_000;
/** More than a run at bare oidc-provider's pace uses (in memory, they take a second or two to make). */
const BARE_CODES = 30_000;
/** Sequential requests of each kind before the counted ones and the runs (JIT, first loads). */
const WARMUPS = 20;
const SCOPE = 'openid email';
const OFFLINE_SCOPE = 'openid email offline_access';
const MIDDLEWARE_NAME = 'verityBenchOidcCounter';
/** Requests of each kind timed one at a time, and counted (the count is the same every time). */
const SAMPLES = 9;
const AUTHORIZATION_FLOW = 'authorization (signed in, consent remembered)';

type Endpoint = 'code exchange' | 'refresh' | 'userinfo';
const ENDPOINTS: readonly Endpoint[] = ['code exchange', 'refresh', 'userinfo'];

export interface RunFigures {
  /**
   * CPU time of this process (the server: Verity's gateway and handler with the AWS SDK, or bare
   * oidc-provider) per answer; not DynamoDB Local's JVM, not the load generator.
   */
  readonly serverCpuMsPerRequest: number;
  /** Of that, in the kernel: sockets, the load's and (Verity) DynamoDB Local's, a stand-in's cost. */
  readonly serverSystemCpuMsPerRequest: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** 2xx answers over the run, and the rest. */
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly firstFailure?: string;
}

export interface EndpointResult {
  readonly endpoint: Endpoint;
  readonly verity: RunFigures;
  readonly bare: RunFigures;
  /** How many times slower Verity is: bare/Verity for throughput, Verity/bare for latencies. */
  readonly slowdown: { readonly throughput: number; readonly p50: number; readonly p99: number };
  readonly meetsAim: boolean;
}

export interface CountedFlow {
  readonly flow: string;
  /** DynamoDB requests (the most of any sample; `varies` lists them all when they differ). */
  readonly requests: number;
  /** Command, table, and the kind of key (ids left out), in order. */
  readonly operations: readonly string[];
  readonly varies?: readonly number[];
  /** The whole request, client side, one at a time on a quiet server (median). */
  readonly ms: number;
  /** Of that, how long a DynamoDB request was in flight (median). */
  readonly dynamoDbMs: number;
  readonly target?: { readonly maxRequests: number; readonly met: boolean };
}

export interface OidcResults {
  readonly aims: typeof AIMS;
  readonly load: {
    readonly generator: string;
    readonly connections: number;
    readonly durationSeconds: number;
    readonly verityCodesMinted: number;
  };
  readonly endpoints: readonly EndpointResult[];
  readonly dynamodbRequests: {
    readonly countedAt: string;
    readonly flows: readonly CountedFlow[];
  };
}

/** One provider as the load runs see it. */
interface Target {
  readonly origin: string;
  readonly userinfoPath: string;
  readonly authorization: string;
  readonly verifier: string;
  readonly redirectUri: string;
}

const base64url = (b: Buffer) => b.toString('base64url');
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function codeBody(target: Target, code: string): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: target.redirectUri,
    code_verifier: target.verifier,
  }).toString();
}

const REFRESH_TEMPLATE = 'grant_type=refresh_token&refresh_token={token}';

async function tokenCall(target: Target, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${target.origin}/token`, {
    method: 'POST',
    headers: { authorization: target.authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`token endpoint: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function userinfoCall(target: Target, accessToken: string): Promise<void> {
  const response = await fetch(`${target.origin}${target.userinfoPath}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!response.ok) throw new Error(`userinfo: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

const stringField = (answer: Record<string, unknown>, field: string): string => {
  const value = answer[field];
  if (typeof value !== 'string') throw new Error(`no ${field} in ${JSON.stringify(Object.keys(answer))}`);
  return value;
};

/** What the load runs need of a provider, once it is warm. */
interface Prepared {
  readonly codes: readonly string[];
  /** Refresh tokens, one or two per connection: the chain's pool. */
  readonly refreshTokens: string[];
}

/** A run, and the CPU time this process (the server under load: Verity's gateway and handler, or bare oidc-provider) spent per answer. */
type Measured = LoadOutcome & {
  readonly serverCpuMsPerRequest: number;
  readonly serverSystemCpuMsPerRequest: number;
};

async function measuredLoad(plan: LoadPlan): Promise<Measured> {
  const before = process.cpuUsage();
  const outcome = await runLoad(plan);
  const used = process.cpuUsage(before);
  const answered = Math.max(1, outcome.ok + outcome.non2xx);
  return {
    ...outcome,
    serverCpuMsPerRequest: round2((used.user + used.system) / 1000 / answered),
    serverSystemCpuMsPerRequest: round2(used.system / 1000 / answered),
  };
}

/** The three runs against one provider: codes first (they expire), then refresh, then userinfo. */
async function loadRuns(target: Target, prepared: Prepared): Promise<Record<Endpoint, Measured>> {
  const common = { url: target.origin, connections: CONNECTIONS, durationSeconds: DURATION_S };
  const form = { authorization: target.authorization, 'content-type': 'application/x-www-form-urlencoded' };
  const exchange = await measuredLoad({
    ...common,
    path: '/token',
    method: 'POST',
    headers: form,
    bodies: prepared.codes.map((code) => codeBody(target, code)),
    collect: 'access_token',
  });
  const refresh = await measuredLoad({
    ...common,
    path: '/token',
    method: 'POST',
    headers: form,
    chain: { template: REFRESH_TEMPLATE, seeds: prepared.refreshTokens, field: 'refresh_token' },
  });
  const accessToken = exchange.collected?.[0];
  if (!accessToken)
    throw new Error(`no access token from the code exchanges (${exchange.firstFailure ?? ''})`);
  const userinfo = await measuredLoad({
    ...common,
    path: target.userinfoPath,
    method: 'GET',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { 'code exchange': exchange, refresh, userinfo };
}

/** Warm-up: sequential exchanges, refreshes (the pool's tokens rotate) and userinfo calls. */
async function warmUp(target: Target, codes: readonly string[], refreshTokens: string[]): Promise<string> {
  let accessToken = '';
  for (const code of codes) {
    accessToken = stringField(await tokenCall(target, codeBody(target, code)), 'access_token');
    await userinfoCall(target, accessToken);
  }
  for (let i = 0; i < WARMUPS; i++) {
    const index = i % refreshTokens.length;
    const body = REFRESH_TEMPLATE.replace('{token}', encodeURIComponent(refreshTokens[index] as string));
    refreshTokens[index] = stringField(await tokenCall(target, body), 'refresh_token');
  }
  return accessToken;
}

/** Bare oidc-provider: codes through its models, the same runs. */
async function measureBare(pkce: Pkce): Promise<Record<Endpoint, Measured>> {
  process.stdout.write('  bare oidc-provider: preparing codes and refresh tokens...\n');
  const bare = await startBareProvider();
  try {
    const target: Target = {
      origin: bare.origin,
      userinfoPath: '/me',
      authorization: basic(bare.clientId, bare.clientSecret),
      verifier: pkce.verifier,
      redirectUri: BARE_REDIRECT_URI,
    };
    // A member (grant) per refresh token: each chain's rotations pile up in its grant's index.
    const refreshTokens: string[] = [];
    for (let i = 0; i < 2 * CONNECTIONS; i++) {
      const [code] = await bare.makeCodes(1, OFFLINE_SCOPE, pkce.challenge);
      refreshTokens.push(
        stringField(await tokenCall(target, codeBody(target, code as string)), 'refresh_token'),
      );
    }
    await warmUp(target, await bare.makeCodes(WARMUPS, SCOPE, pkce.challenge), refreshTokens);
    const codes = await bare.makeCodes(BARE_CODES, SCOPE, pkce.challenge);
    process.stdout.write(`  bare oidc-provider: ${codes.length} codes; load runs of ${DURATION_S} s...\n`);
    return await loadRuns(target, { codes, refreshTokens });
  } finally {
    await bare.stop();
  }
}

interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

interface SentRequest {
  readonly label: string;
  readonly started: number;
  ended?: number;
}

/** How long at least one of these requests was in flight (they may overlap), ms. */
function inFlightMs(requests: readonly SentRequest[]): number {
  let total = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const { started, ended = started } of [...requests].sort((a, b) => a.started - b.started)) {
    if (ended <= until) continue;
    total += ended - Math.max(started, until);
    until = ended;
  }
  return total;
}

const FLOW_AIMS: Record<string, number> = {
  'code exchange': AIMS.codeExchange.maxDynamoDbRequests,
  userinfo: AIMS.userinfo.maxDynamoDbRequests,
};

function countedFlow(
  flow: string,
  list: readonly { operations: string[]; ms: number; dynamoDbMs: number }[],
): CountedFlow {
  const operations = list[0]?.operations ?? [];
  const requests = Math.max(...list.map((s) => s.operations.length));
  const maxRequests = FLOW_AIMS[flow];
  const median = (values: number[]) =>
    round2(
      quantile(
        [...values].sort((a, b) => a - b),
        0.5,
      ),
    );
  return {
    flow,
    requests,
    operations,
    ...(list.some((s) => s.operations.length !== operations.length)
      ? { varies: list.map((s) => s.operations.length) }
      : {}),
    ms: median(list.map((s) => s.ms)),
    dynamoDbMs: median(list.map((s) => s.dynamoDbMs)),
    ...(maxRequests === undefined ? {} : { target: { maxRequests, met: requests <= maxRequests } }),
  };
}

/** `GetItem ephemeral OIDC#AuthorizationCode#…`: command, table, key with the ids left out. */
export function operationLabel(commandName: string, input: unknown): string {
  const command = commandName.replace(/Command$/, '');
  const request = (input ?? {}) as Record<string, unknown>;
  const table = (name: unknown) => String(name ?? '?').replace(/^verity-/, '');
  const masked = (value: unknown) =>
    typeof value === 'string'
      ? value
          .split('#')
          .map((segment) => (/^[A-Z][A-Za-z]*$/.test(segment) && segment.length < 24 ? segment : '…'))
          .join('#')
      : '?';
  const keyOf = (key: unknown) => {
    const { pk, sk } = (key ?? {}) as { pk?: unknown; sk?: unknown };
    return sk === undefined || sk === 'OIDC' ? masked(pk) : `${masked(pk)} ${masked(sk)}`;
  };
  if (command === 'TransactWriteItems' || command === 'BatchWriteItem') {
    const operations =
      command === 'TransactWriteItems'
        ? ((request.TransactItems ?? []) as Record<
            string,
            { TableName?: unknown; Key?: unknown; Item?: unknown }
          >[])
        : Object.entries(
            (request.RequestItems ?? {}) as Record<
              string,
              Record<string, { Key?: unknown; Item?: unknown }>[]
            >,
          ).flatMap(([name, items]) =>
            items.map((item) =>
              Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { ...v, TableName: name }])),
            ),
          );
    const inner = operations.flatMap((operation) =>
      Object.entries(operation).map(
        ([kind, o]) => `${kind.replace(/Request$/, '')} ${table(o.TableName)} ${keyOf(o.Key ?? o.Item)}`,
      ),
    );
    return `${command}(${inner.length}: ${inner.join('; ')})`;
  }
  if (command === 'Query') {
    const values = Object.values((request.ExpressionAttributeValues ?? {}) as Record<string, unknown>);
    const index = request.IndexName ? ` index ${String(request.IndexName)}` : '';
    return `Query ${table(request.TableName)}${index} ${values.map(masked).join(' ')}`;
  }
  return `${command} ${table(request.TableName)} ${keyOf(request.Key ?? request.Item)}`;
}

/** Verity: a member's browser mints the codes; one of each request is counted in DynamoDB requests. */
async function measureVerity(
  pkce: Pkce,
): Promise<{ runs: Record<Endpoint, Measured>; flows: CountedFlow[]; minted: number }> {
  const savedEnv = { ...process.env };
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-oidc-'));
  process.stdout.write('  starting the embedded AWS (DynamoDB Local in memory) and the local gateway...\n');
  const verity = await startVerity(await benchConfig(dataDir));
  const sent: SentRequest[] = [];
  let counting = false;
  const site = new URL(verity.state.siteUrl);
  const browser = new BenchBrowser(site);
  try {
    Object.assign(process.env, verity.state.sdkEnvironment, verity.state.handlerEnvironment);
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (!counting) return next(args);
        const request: SentRequest = {
          label: operationLabel(String(context.commandName ?? 'unknown'), args.input),
          started: performance.now(),
        };
        sent.push(request);
        try {
          return await next(args);
        } finally {
          request.ended = performance.now();
        }
      },
      { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
    );
    process.stdout.write('  Verity: a member signs in through the provider and allows the partner...\n');
    const [member, partner] = await Promise.all([memberInStore(), benchPartner()]);
    const target: Target = {
      origin: `http://127.0.0.1:${site.port}`,
      userinfoPath: '/userinfo',
      authorization: basic(partner.clientId, partner.clientSecret),
      verifier: pkce.verifier,
      redirectUri: REDIRECT_URI,
    };
    const params: AuthorizationParams = {
      clientId: partner.clientId,
      codeChallenge: pkce.challenge,
      scope: SCOPE,
    };
    const first = await signInAndAllow(browser, member, params);
    // offline_access needs prompt=consent: the Authorize screen once per refresh token of the pool.
    const refreshTokens: string[] = [];
    for (let i = 0; i < 2 * CONNECTIONS; i++) {
      const code = await consentAgain(browser, { ...params, scope: OFFLINE_SCOPE });
      refreshTokens.push(stringField(await tokenCall(target, codeBody(target, code)), 'refresh_token'));
    }
    const warmCodes = [first, ...(await mintCodes(() => ssoCode(browser, params), WARMUPS - 1, 60_000, 1))];
    await warmUp(target, warmCodes, refreshTokens);

    // Each kind of request, one at a time on a quiet server: its DynamoDB requests (the same every
    // time), and its time, of which how long a DynamoDB request was in flight (median of SAMPLES).
    const samples = new Map<string, { operations: string[]; ms: number; dynamoDbMs: number }[]>();
    const sampled = async <T>(flow: string, work: () => Promise<T>): Promise<T> => {
      sent.length = 0;
      counting = true;
      const started = performance.now();
      try {
        return await work();
      } finally {
        const ms = performance.now() - started;
        counting = false;
        const list = samples.get(flow) ?? [];
        list.push({ operations: sent.map((r) => r.label), ms, dynamoDbMs: inFlightMs(sent) });
        samples.set(flow, list);
      }
    };
    for (let i = 0; i < SAMPLES; i++) {
      const code = await sampled(AUTHORIZATION_FLOW, () => ssoCode(browser, params));
      const tokens = await sampled('code exchange', () => tokenCall(target, codeBody(target, code)));
      await sampled('userinfo', () => userinfoCall(target, stringField(tokens, 'access_token')));
      const rotated = await sampled('refresh', () =>
        tokenCall(
          target,
          REFRESH_TEMPLATE.replace('{token}', encodeURIComponent(refreshTokens[0] as string)),
        ),
      );
      refreshTokens[0] = stringField(rotated, 'refresh_token');
    }
    const flows = [...samples].map(([flow, list]) => countedFlow(flow, list));

    process.stdout.write(`  Verity: minting codes for up to ${VERITY_MINT_BUDGET_MS / 1000} s...\n`);
    const codes = await mintCodes(() => ssoCode(browser, params), 50_000, VERITY_MINT_BUDGET_MS, CONNECTIONS);
    process.stdout.write(`  Verity: ${codes.length} codes; load runs of ${DURATION_S} s...\n`);
    const runs = await loadRuns(target, { codes, refreshTokens });
    return { runs, flows, minted: codes.length };
  } finally {
    browser.close();
    documentClient().middlewareStack.remove(MIDDLEWARE_NAME);
    await verity.stop();
    rmSync(dataDir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function figures(outcome: Measured): RunFigures {
  return {
    serverCpuMsPerRequest: outcome.serverCpuMsPerRequest,
    serverSystemCpuMsPerRequest: outcome.serverSystemCpuMsPerRequest,
    requestsPerSecond: outcome.requestsPerSecond,
    p50Ms: outcome.latencyMs.p50,
    p99Ms: outcome.latencyMs.p99,
    meanMs: outcome.latencyMs.mean,
    maxMs: outcome.latencyMs.max,
    ok: outcome.ok,
    failed: outcome.non2xx + outcome.errors + outcome.timeouts,
    seconds: round2(outcome.elapsedMs / 1000),
    ...(outcome.firstFailure ? { firstFailure: outcome.firstFailure } : {}),
  };
}

function compare(endpoint: Endpoint, verity: Measured, bare: Measured): EndpointResult {
  const v = figures(verity);
  const b = figures(bare);
  const ratio = (a: number, c: number) => (c > 0 ? round2(a / c) : Number.POSITIVE_INFINITY);
  const slowdown = {
    throughput: ratio(b.requestsPerSecond, v.requestsPerSecond),
    p50: ratio(v.p50Ms, b.p50Ms),
    p99: ratio(v.p99Ms, b.p99Ms),
  };
  const meetsAim = Object.values(slowdown).every((s) => s <= AIMS.maxSlowdown);
  return { endpoint, verity: v, bare: b, slowdown, meetsAim };
}

async function measure(): Promise<SuiteOutcome<OidcResults>> {
  const verifier = base64url(randomBytes(32));
  const pkce = { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
  // Bare first, before the JVM of the embedded AWS starts.
  const bare = await measureBare(pkce);
  const verity = await measureVerity(pkce);
  const endpoints = ENDPOINTS.map((e) => compare(e, verity.runs[e], bare[e]));
  print(endpoints, verity.flows, verity.minted);
  const failures = endpoints.flatMap((e) =>
    (['verity', 'bare'] as const)
      .filter((side) => e[side].ok === 0)
      .map(
        (side) => `${e.endpoint} (${side}): no successful answer (${e[side].firstFailure ?? 'no answer'})`,
      ),
  );
  return {
    results: {
      aims: AIMS,
      load: {
        generator: 'autocannon 8 in a child process, pipelining 1, the same plan for both',
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
        verityCodesMinted: verity.minted,
      },
      endpoints,
      dynamodbRequests: {
        countedAt: 'one per command sent (a TransactWrite/BatchWrite once), SDK retries not counted',
        flows: verity.flows,
      },
    },
    failures,
  };
}

export const oidcSuite: Suite<OidcResults> = {
  key: 'oidc',
  title: 'OpenID provider: token endpoint and userinfo under load, Verity against bare oidc-provider',
  run: measure,
};

function print(endpoints: readonly EndpointResult[], flows: readonly CountedFlow[], minted: number): void {
  const right = { align: 'right' } as const;
  const n = (x: number) => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : 1) : '∞');
  const x = (s: number) => (Number.isFinite(s) ? `${s.toFixed(2)}x` : '∞');
  console.log(
    formatTable(
      [
        { header: 'endpoint' },
        { header: 'Verity req/s', ...right },
        { header: 'bare req/s', ...right },
        { header: 'slower', ...right },
        { header: 'Verity p50', ...right },
        { header: 'bare p50', ...right },
        { header: 'slower', ...right },
        { header: 'Verity p99', ...right },
        { header: 'bare p99', ...right },
        { header: 'slower', ...right },
        { header: `≤${AIMS.maxSlowdown}x` },
        { header: 'CPU ms/req Verity (sys)', ...right },
        { header: 'bare (sys)', ...right },
      ],
      endpoints.map((e) => [
        e.endpoint,
        n(e.verity.requestsPerSecond),
        n(e.bare.requestsPerSecond),
        x(e.slowdown.throughput),
        n(e.verity.p50Ms),
        n(e.bare.p50Ms),
        x(e.slowdown.p50),
        n(e.verity.p99Ms),
        n(e.bare.p99Ms),
        x(e.slowdown.p99),
        mark(e.meetsAim),
        `${e.verity.serverCpuMsPerRequest.toFixed(2)} (${e.verity.serverSystemCpuMsPerRequest.toFixed(2)})`,
        `${e.bare.serverCpuMsPerRequest.toFixed(2)} (${e.bare.serverSystemCpuMsPerRequest.toFixed(2)})`,
      ]),
    ),
  );
  console.log(
    `\n${CONNECTIONS} connections, up to ${DURATION_S} s per run (autocannon in a child process); latencies in ms, client side;` +
      '\nslower = bare/Verity for req/s, Verity/bare for latencies; CPU ms/req = this process (the server) per answer, not the JVM;' +
      "\n(sys) = of which in the kernel: sockets, the load's and, for Verity, those to DynamoDB Local",
  );
  console.log(`Verity: ${minted} codes minted by a signed-in member's repeated authorization before its run`);
  for (const e of endpoints) {
    for (const side of ['verity', 'bare'] as const) {
      const f = e[side];
      const ranOut =
        e.endpoint === 'code exchange' && f.seconds < DURATION_S - 0.5 ? ' (its codes ran out)' : '';
      if (f.failed > 0 || ranOut) {
        console.log(
          `  ${e.endpoint}, ${side}: ${f.ok} ok, ${f.failed} failed in ${f.seconds} s${ranOut}${f.firstFailure ? `; first failure: ${f.firstFailure.slice(0, 160)}` : ''}`,
        );
      }
    }
  }
  console.log(`\nVerity, one request at a time (median of ${SAMPLES}): its DynamoDB requests and its time`);
  console.log(
    formatTable(
      [
        { header: 'request' },
        { header: 'DynamoDB', ...right },
        { header: 'target' },
        { header: 'ms', ...right },
        { header: 'of which DynamoDB', ...right },
      ],
      flows.map((f) => [
        f.flow,
        f.varies ? `${f.requests} (${f.varies.join(',')})` : String(f.requests),
        f.target ? `≤${f.target.maxRequests} ${mark(f.target.met)}` : '',
        f.ms.toFixed(1),
        f.dynamoDbMs.toFixed(1),
      ]),
    ),
  );
  for (const f of flows) {
    console.log(`\n  ${f.flow}:`);
    for (const [i, operation] of f.operations.entries()) console.log(`    ${i + 1}. ${operation}`);
  }
}
