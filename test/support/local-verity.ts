/**
 * Global setup of the integration and browser layers: starts a whole local Verity exactly as
 * `npm start` does (bin/local.ts), but on free ports, with DynamoDB in memory, state in a
 * throw-away folder and a clock the tests can move forward (./clock.ts); stops it (and checks
 * it stopped) after the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../../lib/local/config.ts';
import { freePort } from '../../lib/local/processes.ts';
import type { RunningVerity } from '../../lib/local/start.ts';
import { TEST_CLOCK_VARIABLE } from '../../lib/local/test-clock.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    verity: RunningVerity & { dataDir: string };
  }
}

export interface LocalVerity {
  readonly state: RunningVerity;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly ports: Record<string, number>;
  /** SIGTERM by default; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface LaunchOptions {
  readonly env?: Record<string, string>;
  /** Reuse a data folder (a restart); a new throw-away one by default. */
  readonly dataDir?: string;
  readonly ports?: Record<string, number>;
}

export async function freePorts(): Promise<Record<string, number>> {
  return {
    VERITY_PORT: await freePort(),
    VERITY_DYNAMODB_PORT: await freePort(),
    VERITY_SES_PORT: await freePort(),
    VERITY_COGNITO_PORT: await freePort(),
    VERITY_S3_PORT: await freePort(),
    VERITY_DEMO_PARTNER_PORT: await freePort(),
  };
}

/** Runs bin/local.ts as `npm start` does, with test ports, folder and environment. */
export async function launchLocal(options: LaunchOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'verity-test-'));
  const ports = options.ports ?? (await freePorts());
  const logFile = join(dataDir, 'verity.log');
  const log = openSync(logFile, 'a');
  // A restart appends to the log of the run before: this run's output starts here.
  const from = statSync(logFile).size;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      VERITY_DATA_DIR: dataDir,
      VERITY_IN_MEMORY: '1',
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const output = () => readFileSync(logFile).subarray(from).toString('utf8');
  return { child, exited, dataDir, ports, output };
}

/** Starts a local Verity and resolves once it is serving. */
export async function startLocalVerity(options: LaunchOptions = {}): Promise<LocalVerity> {
  const { child, exited, dataDir, ports, output } = await launchLocal(options);
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  const state = await serving(dataDir, exited, output).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`local Verity did not start (${error.message}):\n${output()}`);
  });
  return {
    state,
    dataDir,
    child,
    ports,
    stop: async (signal = 'SIGTERM') => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

const START_TIMEOUT_MS = 90_000;

/** The banner's last line: bin/local.ts prints it as it starts listening for Ctrl-C. */
const READY = 'Press Ctrl-C to stop.';

/**
 * Resolves with the state Verity writes to `<dataDir>/local.json` (start.ts) once it serves and
 * has said so, which is when it handles Ctrl-C and SIGTERM: as soon as both are there, seen by
 * watching the folder (the log is in it too); fails if Verity exits first or is not serving
 * within 90 s.
 */
function serving(dataDir: string, exited: Promise<unknown>, output: () => string): Promise<RunningVerity> {
  const file = join(dataDir, 'local.json');
  return new Promise((ok, fail) => {
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      watcher.close();
      clearTimeout(timeout);
      then();
    };
    const look = () => {
      const state = output().includes(READY) ? readState(file) : undefined;
      if (state) settle(() => ok(state));
    };
    const watcher = watch(dataDir, look);
    const timeout = setTimeout(
      () => settle(() => fail(new Error(`not serving after ${START_TIMEOUT_MS / 1000} s`))),
      START_TIMEOUT_MS,
    );
    exited.then(() => settle(() => fail(new Error('it exited'))));
    look();
  });
}

/** The state file's contents, once it holds all of them. */
function readState(file: string): RunningVerity | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunningVerity;
  } catch {
    return undefined;
  }
}

let running: LocalVerity | undefined;

export default async function setup(project: TestProject) {
  running = await startLocalVerity({
    env: {
      // The test clock (lib/local/test-clock.ts): tests move time forward instead of waiting for it.
      [TEST_CLOCK_VARIABLE]: '1',
      // Every line every handler logs, at every level, lands in verity.log: the log scan of
      // identity verification reads it for personal data (test/integration/verification/video).
      // Only the test layers: the bench measures the handlers at their usual level.
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    },
  });
  project.provide('verity', { ...running.state, dataDir: running.dataDir });
  return async () => {
    await running?.stop();
    // VERITY_KEEP_TEST_DATA=1 keeps the folder (its verity.log has every handler's log) to read after a failure.
    if (running && !process.env.VERITY_KEEP_TEST_DATA)
      rmSync(running.dataDir, { recursive: true, force: true });
  };
}
