/**
 * Does the time of an answer tell whether an address has an account? For each form that must
 * not tell (Create account, Forgot password, Resend confirmation), the two paths are timed over
 * HTTP against a whole local Verity (`bin/local.ts` in a child process, as `npm start` runs it:
 * the local gateway, DynamoDB Local in memory, the SES emulator), the way a prober would time the
 * site: the client's wall time from sending the POST to the last byte of the answer.
 *
 * The two paths of a pair alternate in a random order, each sample on an address of its own (the
 * per-address mail limits would otherwise turn later samples into the throttled path), every
 * address the same length, from an address of its own in 127.0.0.0/8; between samples the bench
 * waits (untimed) for the mail of the last answer to leave. Reported per path: median,
 * quartiles, min and max; per pair: the difference of the medians beside the larger interquartile
 * range, the noise it has to stand out of. It measures and prints; it asserts nothing.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { hashPassword } from '../lambdas/accounts/password/hash.ts';
import { newSecret, secretHash } from '../lambdas/accounts/tokens.ts';
import { newId } from '../lambdas/core/ids.ts';
import { pepperFromEnvironment } from '../lambdas/keys/pepper.ts';
import type { PendingSignUp } from '../lambdas/store/items.ts';
import * as store from '../lambdas/store/sign-ups.ts';
import { startLocalVerity } from '../test/support/local-verity.ts';
import { quantile, round1 } from './lib/stats.ts';
import type { Suite, SuiteOutcome } from './lib/suite.ts';
import { formatTable } from './lib/table.ts';

const RUNS = Number(process.env.BENCH_TIMING_RUNS ?? 20);
const WARMUPS = 3;
/** Passes the password rules; the same on both paths. */
const PASSWORD = 'Quiet-lantern-47-orbit-Maple';

interface PathTiming {
  readonly path: string;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

interface PairResult {
  readonly form: string;
  /** The path where the address has an account (or a sign-up waiting), and the other. */
  readonly known: PathTiming;
  readonly unknown: PathTiming;
  /** median(known) - median(unknown), ms. */
  readonly medianDifference: number;
  /** The larger interquartile range of the two paths, ms: the spread a difference must beat. */
  readonly noise: number;
  /** Same status and the same page once the address is taken out. */
  readonly samePage: boolean;
}

export interface AccountTimingResults {
  readonly measuredAs: string;
  readonly pairs: readonly PairResult[];
}

/** `bench-<hex>-<n>@example.com`: every address of the run the same length. */
const addressMaker = () => {
  const run = randomBytes(4).toString('hex');
  let n = 0;
  return () => `bench-${run}-${String(n++).padStart(5, '0')}@example.com`;
};

const randomLoopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** One site, its CSRF cookie and token (not bound to a session before sign-in). */
class Site {
  private cookie = '';
  private csrf = '';

  constructor(private readonly url: URL) {}

  async open(path: string): Promise<void> {
    const page = await this.send('GET', path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
    this.csrf = token;
  }

  post(path: string, fields: Record<string, string>): Promise<Answer> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    return this.send('POST', path, body);
  }

  /**
   * Waits, untimed, until the mail of the answers so far has left (GET /_local/mail/settled), so
   * that sending it does not run into the next sample: in the cloud another Lambda sends it.
   */
  async mailSettled(): Promise<void> {
    await this.send('GET', '/_local/mail/settled');
  }

  private send(method: string, path: string, body?: string): Promise<Answer> {
    const headers: Record<string, string> = {
      host: this.url.host,
      accept: 'text/html',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      ...(this.cookie ? { cookie: this.cookie } : {}),
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
      headers['sec-fetch-site'] = 'same-origin';
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: '127.0.0.1',
          family: 4,
          port: this.url.port,
          localAddress: randomLoopback(),
          method,
          path,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - started;
            const set = [res.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0] ?? '');
            const csrf = set.find((c) => c.startsWith('__Host-verity-csrf='));
            if (csrf) this.cookie = csrf;
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** A member straight in the store (as the integration fixtures make one), at the cheapest scrypt cost. */
async function memberInStore(address: string): Promise<void> {
  const { pending } = await pendingInStore(address);
  const outcome = await store.createAccount({
    pending,
    tokenHash: pending.tokenHash,
    accountId: newId(),
    work: false,
    now: new Date(),
    event: { type: 'account-created', at: new Date().toISOString(), device: 'bench', place: 'Unknown' },
  });
  if (outcome !== 'ok') throw new Error(`bench: could not create a member (${outcome})`);
}

let cheapHash: ReturnType<typeof hashPassword> | undefined;

/** A sign-up waiting for its link, as Create account leaves it. */
async function pendingInStore(address: string): Promise<{ pending: PendingSignUp }> {
  cheapHash ??= hashPassword(PASSWORD, { pepper: pepperFromEnvironment() }, { N: 2 ** 14, r: 8, p: 1 });
  const now = new Date();
  const pending: PendingSignUp = {
    signUpId: newId(),
    address,
    normalized: address,
    password: await cheapHash,
    tokenHash: secretHash(newSecret()),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 24 * 3600,
  };
  await store.createPendingSignUp(pending, {
    purpose: 'sign-up',
    createdAt: pending.createdAt,
    expiresAt: pending.expiresAt,
    normalized: address,
    signUpId: pending.signUpId,
  });
  return { pending };
}

interface PairSpec {
  readonly form: string;
  readonly page: string;
  readonly action: string;
  readonly knownPath: string;
  readonly unknownPath: string;
  /** Makes an address of the known path ready (an account, a waiting sign-up). */
  readonly prepareKnown: (address: string) => Promise<void>;
  readonly fields: (address: string) => Record<string, string>;
}

const pairs: readonly PairSpec[] = [
  {
    form: 'Create account',
    page: '/create-account',
    action: '/create-account',
    knownPath: 'address with an account',
    unknownPath: 'new address',
    prepareKnown: memberInStore,
    fields: (email) => ({ email, password: PASSWORD }),
  },
  {
    form: 'Forgot password',
    page: '/forgot-password',
    action: '/forgot-password',
    knownPath: 'address with an account',
    unknownPath: 'address without one',
    prepareKnown: memberInStore,
    fields: (email) => ({ email }),
  },
  {
    form: 'Resend confirmation',
    page: '/create-account',
    action: '/resend-confirmation',
    knownPath: 'sign-up waiting',
    unknownPath: 'nothing waiting',
    prepareKnown: async (address) => {
      await pendingInStore(address);
    },
    fields: (email) => ({ email }),
  },
];

async function timePair(site: Site, spec: PairSpec, nextAddress: () => string): Promise<PairResult> {
  await site.open(spec.page);
  const samples = { known: [] as number[], unknown: [] as number[] };
  const pages = { known: new Set<string>(), unknown: new Set<string>() };
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    const known = nextAddress();
    const unknown = nextAddress();
    await spec.prepareKnown(known);
    const order = randomInt(2) === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    for (const which of order) {
      const address = which === 'known' ? known : unknown;
      const answer = await site.post(spec.action, spec.fields(address));
      await site.mailSettled();
      if (answer.status >= 500) throw new Error(`${spec.form}: ${answer.status} on the ${which} path`);
      if (i < WARMUPS) continue;
      samples[which].push(answer.ms);
      pages[which].add(`${answer.status} ${pageWithout(answer.body, address)}`);
    }
  }
  const known = timing(spec.knownPath, samples.known);
  const unknown = timing(spec.unknownPath, samples.unknown);
  return {
    form: spec.form,
    known,
    unknown,
    medianDifference: round1(known.median - unknown.median),
    noise: round1(Math.max(known.p75 - known.p25, unknown.p75 - unknown.p25)),
    samePage:
      pages.known.size === 1 && pages.unknown.size === 1 && [...pages.known][0] === [...pages.unknown][0],
  };
}

/** The page with the address and the per-answer CSRF token taken out. */
const pageWithout = (html: string, address: string) =>
  html.replaceAll(address, 'ADDRESS').replace(/name="_csrf" value="[^"]+"/g, '');

function timing(path: string, samples: readonly number[]): PathTiming {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    path,
    median: round1(quantile(sorted, 0.5)),
    p25: round1(quantile(sorted, 0.25)),
    p75: round1(quantile(sorted, 0.75)),
    min: round1(sorted[0] as number),
    max: round1(sorted[sorted.length - 1] as number),
    runs: sorted.length,
  };
}

async function measure(): Promise<SuiteOutcome<AccountTimingResults>> {
  const savedEnv = { ...process.env };
  process.stdout.write(
    '  starting a local Verity (bin/local.ts: gateway, DynamoDB Local, SES emulator)...\n',
  );
  const verity = await startLocalVerity();
  try {
    // This process writes the known paths' accounts into the same DynamoDB, as the fixtures do.
    Object.assign(process.env, verity.state.sdkEnvironment, verity.state.handlerEnvironment);
    const site = new Site(new URL(verity.state.siteUrl));
    const nextAddress = addressMaker();
    const results: PairResult[] = [];
    for (const spec of pairs) {
      process.stdout.write(`  ${spec.form}: ${WARMUPS} warm-ups and ${RUNS} samples per path...\n`);
      results.push(await timePair(site, spec, nextAddress));
    }
    print(results);
    return {
      results: {
        measuredAs:
          'client wall time of the POST over HTTP to bin/local.ts (local gateway, DynamoDB Local in memory, SES emulator), ms',
        pairs: results,
      },
      failures: [],
    };
  } finally {
    await verity.stop();
    rmSync(verity.dataDir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

function print(results: readonly PairResult[]): void {
  const right = { align: 'right' } as const;
  const row = (form: string, t: PathTiming) => [
    form,
    t.path,
    t.median.toFixed(1),
    `${t.p25.toFixed(1)}–${t.p75.toFixed(1)}`,
    `${t.min.toFixed(1)}–${t.max.toFixed(1)}`,
  ];
  console.log(
    formatTable(
      [
        { header: 'form' },
        { header: 'path' },
        { header: 'median ms', ...right },
        { header: 'p25–p75 ms', ...right },
        { header: 'min–max ms', ...right },
      ],
      results.flatMap((r) => [row(r.form, r.known), row('', r.unknown)]),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      [
        { header: 'form' },
        { header: 'median difference ms', ...right },
        { header: 'larger IQR ms', ...right },
        { header: 'same page' },
      ],
      results.map((r) => [
        r.form,
        (r.medianDifference > 0 ? '+' : '') + r.medianDifference.toFixed(1),
        r.noise.toFixed(1),
        r.samePage ? 'yes' : 'NO',
      ]),
    ),
  );
}

export const accountTimingSuite: Suite<AccountTimingResults> = {
  key: 'accountTiming',
  title: 'Does the time of an answer tell whether an address has an account?',
  run: measure,
};
