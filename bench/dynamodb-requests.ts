/**
 * DynamoDB requests per member flow (the accounts issue: sign-up, confirm, sign-in, add email,
 * set primary), counted by a middleware on the one document client that every handler shares
 * (lambdas/store/dynamo.ts). The flows are the domain functions the handlers call, with the real
 * ports (SES mailer, pepper), against a real embedded AWS started for this suite alone: DynamoDB
 * Local in memory, the SES emulator, free ports, a throw-away data folder.
 *
 * One request is one command sent: a TransactWrite or BatchWrite counts once, its items are shown
 * beside it. SDK retries are not counted (they happen below the step the middleware sits on).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { RequestContext } from '../lambdas/accounts/context.ts';
import { signIn } from '../lambdas/accounts/sign-in.ts';
import { signUp } from '../lambdas/accounts/sign-up.ts';
import type { Ports } from '../lambdas/core/ports.ts';
import { DomainError } from '../lambdas/core/problems.ts';
import { confirmEmailAddress } from '../lambdas/emails/confirm.ts';
import { addEmail, setPrimaryEmail } from '../lambdas/emails/manage.ts';
import { fieldCipherFromEnvironment } from '../lambdas/keys/field-encryption.ts';
import { pepperFromEnvironment } from '../lambdas/keys/pepper.ts';
import { sesMailer } from '../lambdas/mail/ses.ts';
import { completeSecondStep, passFactorCode } from '../lambdas/mfa/challenge.ts';
import { beginTotpSetup, finishTotpSetup } from '../lambdas/mfa/manage.ts';
import { documentClient } from '../lambdas/store/dynamo.ts';
import { factorOf } from '../lambdas/store/mfa.ts';
import { sessionOf } from '../lambdas/store/sessions.ts';
import { type RunningVerity, startVerity } from '../lib/local/start.ts';
import { benchConfig } from './lib/local-config.ts';
import type { Suite, SuiteOutcome } from './lib/suite.ts';
import { formatTable, mark } from './lib/table.ts';

/** The aim: a sign-in costs at most 3 DynamoDB requests besides the rate-limit counter. */
export const TARGETS = {
  signIn: { maxRequestsBesidesRateLimit: 3 },
  /** Issue 4: sign-in with password and code, counters included. */
  signInWithCode: { maxRequests: 6 },
} as const;

/** Partition keys of rate-limit counters (lambdas/limits/counters.ts). */
const RATE_LIMIT_PREFIX = 'LIMIT#';
const MIDDLEWARE_NAME = 'verityBenchRequestCounter';
const PASSWORD = 'velvet mosaic harbor pickle';

export interface SentRequest {
  /** `GetItem`, `TransactWriteItems`, ... */
  readonly command: string;
  /** Items a transaction or batch writes; 1 otherwise. */
  readonly items: number;
  /** Every key it names is a rate-limit counter. */
  readonly rateLimit: boolean;
}

export interface FlowResult {
  readonly flow: string;
  readonly requests: number;
  readonly rateLimitRequests: number;
  /** Items of each TransactWrite/BatchWrite of the flow, in order. */
  readonly transactionItems: readonly number[];
  readonly commands: readonly string[];
  readonly target?:
    | { readonly maxRequestsBesidesRateLimit: number; readonly met: boolean }
    | { readonly maxRequests: number; readonly met: boolean };
}

export interface DynamoRequestResults {
  readonly targets: typeof TARGETS;
  readonly countedAt: 'one per command sent (TransactWrite/BatchWrite once each), SDK retries not counted';
  readonly flows: readonly FlowResult[];
}

async function measure(): Promise<SuiteOutcome<DynamoRequestResults>> {
  const savedEnv = { ...process.env };
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-'));
  process.stdout.write('  starting the embedded AWS (DynamoDB Local in memory, SES emulator)...\n');
  const verity = await startVerity(await benchConfig(dataDir));
  const sent: SentRequest[] = [];
  try {
    // The handler environment, as a Lambda of the local stack has it (startVerity sets it too).
    Object.assign(process.env, verity.state.sdkEnvironment, verity.state.handlerEnvironment);
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(describeRequest(String(context.commandName ?? 'unknown'), args.input));
        return next(args);
      },
      { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
    );
    const flows = await runFlows(verity.state, sent);
    print(flows);
    return {
      results: {
        targets: TARGETS,
        countedAt: 'one per command sent (TransactWrite/BatchWrite once each), SDK retries not counted',
        flows,
      },
      failures: [],
    };
  } finally {
    documentClient().middlewareStack.remove(MIDDLEWARE_NAME);
    await verity.stop();
    rmSync(dataDir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

export const dynamodbRequestsSuite: Suite<DynamoRequestResults> = {
  key: 'dynamodbRequests',
  title: 'DynamoDB requests per member flow',
  run: measure,
};

/** One new member's way through the flows, each counted on its own. */
async function runFlows(state: RunningVerity, sent: SentRequest[]): Promise<FlowResult[]> {
  const ports = {
    mail: sesMailer(),
    pepper: pepperFromEnvironment(),
    cipher: fieldCipherFromEnvironment(),
  } satisfies Partial<Ports>;
  const run = Date.now().toString(36);
  const personal = `bench.${run}@personal.example`;
  const work = `bench.${run}@work.example`;
  const context = (): RequestContext => ({
    now: new Date(),
    siteUrl: state.siteUrl,
    device: 'Firefox on Linux',
    place: 'US',
    ip: '192.0.2.10',
  });
  const results: FlowResult[] = [];
  const counted = async <T>(
    flow: string,
    work: () => Promise<T>,
    target?: number,
    countsRateLimit = false,
  ): Promise<T> => {
    sent.length = 0;
    const value = await work();
    results.push(summarize(flow, sent, target, countsRateLimit));
    return value;
  };

  const signedUp = await counted('sign-up', () =>
    signUp({ email: personal, password: PASSWORD }, context(), ports),
  );
  if (signedUp.kind !== 'check-email') throw new Error(`sign-up refused: ${JSON.stringify(signedUp)}`);
  const signUpToken = await newestToken(state, personal);
  const { accountId } = await counted('confirm (sign-up link)', () =>
    confirmEmailAddress({ token: signUpToken, password: PASSWORD }, context(), ports),
  );
  await counted(
    'sign-in',
    () => signIn({ email: personal, password: PASSWORD }, context(), ports, async () => false),
    TARGETS.signIn.maxRequestsBesidesRateLimit,
  );
  const added = await counted('add email', () =>
    addEmail(accountId, { email: work, work: true }, context(), ports),
  );
  if (added.kind !== 'sent') throw new Error(`add email refused: ${added.message}`);
  const addToken = await newestToken(state, work);
  await counted('confirm (added email)', () =>
    confirmEmailAddress({ token: addToken, password: PASSWORD }, context(), ports),
  );
  await counted('set primary', () => setPrimaryEmail(accountId, work, context(), ports));

  // Issue 4: an authenticator app, then a sign-in with the password and a code, counted as the
  // handlers do it (the session is read from its cookie, the factor from the form).
  const { key } = await beginTotpSetup(accountId, personal, context(), ports);
  const secret = key.replace(/\s/g, '');
  const added2 = await finishTotpSetup(
    accountId,
    { code: await generate({ secret }), name: 'Bench' },
    context(),
    ports,
  );
  if (added2.kind !== 'added') throw new Error('TOTP setup refused');
  // A code works once per 30-second step: the setup used this step's, so the sign-in takes the
  // next step's, which the one step of drift allows.
  const nextStepCode = () => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
  await counted(
    'sign-in with password and code',
    async () => {
      const signedIn = await signIn(
        { email: personal, password: PASSWORD },
        context(),
        ports,
        async () => false,
      );
      const session = await sessionOf(signedIn.accountId, signedIn.session.keyHash, new Date());
      const factor = await factorOf(accountId, added2.factor.factorId);
      if (!session || !factor) throw new Error('no session or factor');
      await passFactorCode(accountId, factor, await nextStepCode(), context(), ports);
      await completeSecondStep(session, context(), 'otp');
    },
    TARGETS.signInWithCode.maxRequests,
    true,
  );
  // For contrast: a wrong password, which the rate-limit counter exists for.
  await counted('sign-in, wrong password', async () => {
    const outcome = await signIn(
      { email: work, password: `${PASSWORD} typo` },
      context(),
      ports,
      async () => false,
    ).then(
      () => 'signed in',
      (error: unknown) => (error instanceof DomainError ? error.problem.kind : String(error)),
    );
    if (outcome !== 'SignInFailed') throw new Error(`a wrong password ended in ${outcome}`);
  });
  return results;
}

/** What one command touches: its name, its item count, whether it is a rate-limit counter. */
export function describeRequest(commandName: string, input: unknown): SentRequest {
  const command = commandName.replace(/Command$/, '');
  const request = (input ?? {}) as Record<string, unknown>;
  const transactItems = request.TransactItems as Operation[] | undefined;
  // BatchWriteItem: { table: [{ PutRequest: { Item } } | { DeleteRequest: { Key } }] }.
  const batchWrites = Object.values((request.RequestItems ?? {}) as Record<string, unknown>)
    .filter(Array.isArray)
    .flat() as Operation[];
  const grouped = transactItems ?? (command === 'BatchWriteItem' ? batchWrites : undefined);
  const targets = grouped ? grouped.flatMap((operation) => Object.values(operation)) : [request];
  const rateLimit =
    targets.length > 0 &&
    targets.every((t) => partitionKeyOf(t.Key ?? t.Item)?.startsWith(RATE_LIMIT_PREFIX));
  return { command, items: grouped ? grouped.length : 1, rateLimit };
}

/** `{ Put: { Item } }`, `{ Update: { Key } }`, `{ PutRequest: { Item } }`, ... */
type Operation = Record<string, { Key?: unknown; Item?: unknown }>;

/** `pk` as the document client has it (a string) or, once marshalled, as `{ S: string }`. */
function partitionKeyOf(key: unknown): string | undefined {
  const pk = (key as { pk?: unknown } | undefined)?.pk;
  if (typeof pk === 'string') return pk;
  const s = (pk as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
}

const GROUPED = /^(TransactWriteItems|BatchWriteItem)$/;

function summarize(
  flow: string,
  sent: readonly SentRequest[],
  target?: number,
  countsRateLimit = false,
): FlowResult {
  const rateLimitRequests = sent.filter((s) => s.rateLimit).length;
  const transactional = sent.filter((s) => GROUPED.test(s.command));
  return {
    flow,
    requests: sent.length,
    rateLimitRequests,
    transactionItems: transactional.map((s) => s.items),
    commands: sent.map((s) =>
      GROUPED.test(s.command) ? `${s.command}(${s.items})` : `${s.command}${s.rateLimit ? '[limit]' : ''}`,
    ),
    ...(target === undefined
      ? {}
      : {
          target: countsRateLimit
            ? { maxRequests: target, met: sent.length <= target }
            : { maxRequestsBesidesRateLimit: target, met: sent.length - rateLimitRequests <= target },
        }),
  };
}

interface StoredEmail {
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

/** The secret of the newest confirmation link mailed to this address, from the SES emulator. */
async function newestToken(state: RunningVerity, address: string): Promise<string> {
  const response = await fetch(`${state.endpoints.ses}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const token = emails
    .filter((e) => e.destination.to.some((to) => to.toLowerCase().includes(address)))
    .map((e) => /\/confirm-email\?token=([\w-]+)/.exec(e.body.text ?? '')?.[1])
    .findLast((t) => t !== undefined);
  if (!token) throw new Error(`no confirmation link was mailed to ${address}`);
  return token;
}

function print(flows: readonly FlowResult[]): void {
  const right = { align: 'right' } as const;
  console.log(
    formatTable(
      [
        { header: 'flow' },
        { header: 'DynamoDB requests', ...right },
        { header: 'of which rate limit', ...right },
        { header: 'target' },
        { header: 'commands, in order' },
      ],
      flows.map((f) => [
        f.flow,
        String(f.requests),
        String(f.rateLimitRequests),
        !f.target
          ? ''
          : 'maxRequests' in f.target
            ? `≤${f.target.maxRequests} with counters ${mark(f.target.met)}`
            : `≤${f.target.maxRequestsBesidesRateLimit} + rate limit ${mark(f.target.met)}`,
        f.commands.join(' '),
      ]),
    ),
  );
  console.log(
    `\none request per command sent; TransactWriteItems(n) and BatchWriteItem(n) count once, n = items; [limit] = a ${RATE_LIMIT_PREFIX} counter`,
  );
}
