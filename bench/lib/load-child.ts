/**
 * The load generator, in a process of its own so that it does not share an event loop with the
 * server it measures (bench/lib/load.ts starts it). Reads a LoadPlan as JSON on stdin, drives
 * autocannon, and writes one line `BENCH_LOAD=<LoadOutcome JSON>` on stdout.
 *
 * Latencies are each response's own time (autocannon's hrtime per request, in ms with
 * fractions), kept whole, so p50 and p99 are not rounded to autocannon's whole-millisecond
 * histogram. Throughput is 2xx answers over the time from the first request to the last answer
 * (autocannon's own duration runs on to its next one-second tick).
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import type { LoadOutcome, LoadPlan } from './load.ts';
import { quantile, round1 } from './stats.ts';

const MAX_COLLECTED = 64;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function run(plan: LoadPlan): Promise<LoadOutcome> {
  const bodies = [...(plan.bodies ?? [])].reverse();
  const chain = plan.chain ? [...plan.chain.seeds] : [];
  const collected: string[] = [];
  let firstFailure: string | undefined;
  let exhausted = 0;

  const nextBody = (): string | undefined => {
    if (plan.bodies) {
      const body = bodies.pop();
      if (body === undefined) exhausted++;
      return body ?? 'exhausted=1';
    }
    if (plan.chain) {
      // First in, first out: every token of the pool takes its turn.
      const token = chain.shift();
      if (token === undefined) exhausted++;
      return plan.chain.template.replace('{token}', encodeURIComponent(token ?? 'exhausted'));
    }
    return undefined;
  };

  const request: AutocannonRequest = {
    method: plan.method,
    path: plan.path,
    headers: plan.headers,
    setupRequest: (req) => {
      const body = nextBody();
      return body === undefined ? req : { ...req, body };
    },
    onResponse: (status, body) => {
      if (status >= 200 && status < 300) {
        if (plan.chain || plan.collect) {
          const answer = JSON.parse(body) as Record<string, unknown>;
          const next = plan.chain ? answer[plan.chain.field] : undefined;
          if (typeof next === 'string') chain.push(next);
          const kept = plan.collect ? answer[plan.collect] : undefined;
          if (typeof kept === 'string' && collected.length < MAX_COLLECTED) collected.push(kept);
        }
      } else {
        firstFailure ??= `${status} ${body.slice(0, 300)}`;
      }
    },
  };

  const latencies: number[] = [];
  let ok = 0;
  let lastAnswerAt = 0;
  return new Promise((resolve, reject) => {
    // Clients connect and send their first requests as autocannon() returns.
    const firstRequestAt = performance.now();
    const instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        pipelining: 1,
        duration: plan.durationSeconds,
        // Each body once: the run ends with the last of them, or at the duration.
        ...(plan.bodies ? { maxOverallRequests: plan.bodies.length } : {}),
        timeout: 30,
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.sort((a, b) => a - b);
        const elapsedMs = Math.max(0, lastAnswerAt - firstRequestAt);
        resolve({
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          exhausted,
          elapsedMs: round1(elapsedMs),
          requestsPerSecond: elapsedMs > 0 ? round1((ok * 1000) / elapsedMs) : 0,
          latencyMs: {
            p50: sorted.length ? round2(quantile(sorted, 0.5)) : 0,
            p99: sorted.length ? round2(quantile(sorted, 0.99)) : 0,
            mean: sorted.length ? round2(sorted.reduce((a, b) => a + b, 0) / sorted.length) : 0,
            max: sorted.length ? round2(sorted[sorted.length - 1] as number) : 0,
          },
          ...(plan.collect ? { collected } : {}),
          ...(firstFailure ? { firstFailure } : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      lastAnswerAt = performance.now();
      latencies.push(ms);
      if (status >= 200 && status < 300) ok++;
    });
  });
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

const plan = JSON.parse(await readStdin()) as LoadPlan;
const outcome = await run(plan);
process.stdout.write(`\nBENCH_LOAD=${JSON.stringify(outcome)}\n`);
