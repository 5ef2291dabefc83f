/**
 * Global setup of the integration and browser layers: starts a whole local Verity exactly as
 * `npm start` does (bin/local.ts), but on free ports, with DynamoDB in memory and state in a
 * throw-away folder; stops it (and checks it stopped) after the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../../lib/local/config.ts';
import { freePort } from '../../lib/local/processes.ts';
import type { RunningVerity } from '../../lib/local/start.ts';

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
  };
}

/** Runs bin/local.ts as `npm start` does, with test ports, folder and environment. */
export async function launchLocal(options: LaunchOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'verity-test-'));
  const ports = options.ports ?? (await freePorts());
  const logFile = join(dataDir, 'verity.log');
  const log = openSync(logFile, 'a');
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
  return { child, exited, dataDir, ports, output: () => readFileSync(logFile, 'utf8') };
}

/** Starts a local Verity and resolves once it is serving. */
export async function startLocalVerity(options: LaunchOptions = {}): Promise<LocalVerity> {
  const { child, exited, dataDir, ports, output } = await launchLocal(options);
  const stateFile = join(dataDir, 'local.json');
  const deadline = Date.now() + 90_000;
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  while (!existsSync(stateFile)) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local Verity did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as RunningVerity;
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

let running: LocalVerity | undefined;

export default async function setup(project: TestProject) {
  running = await startLocalVerity();
  project.provide('verity', { ...running.state, dataDir: running.dataDir });
  return async () => {
    await running?.stop();
    if (running) rmSync(running.dataDir, { recursive: true, force: true });
  };
}
