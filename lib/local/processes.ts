/**
 * Child processes that never outlive Verity. Each child runs under a tiny `sh` guard that waits
 * for its stdin to close: Ctrl-C, a normal stop, or even a SIGKILL of the Node process closes
 * that pipe, and the guard then stops the child. Nothing is left listening.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';

export interface Supervised {
  readonly name: string;
  stop(): Promise<void>;
  /** The child's exit, for a clear error when it dies while starting. */
  readonly exited: Promise<number | null>;
}

const GUARD = 'trap "" INT; "$@" & child=$!; cat >/dev/null; kill $child 2>/dev/null; wait $child';

export function supervise(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Supervised {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn('sh', ['-c', GUARD, `verity-${name}`, command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    exited,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Resolves once something accepts TCP connections on the port, or rejects with the reason. */
export async function waitForPort(
  port: number,
  host: string,
  what: { name: string; exited?: Promise<number | null>; logFile?: string; timeoutMs?: number },
): Promise<void> {
  const deadline = Date.now() + (what.timeoutMs ?? 60_000);
  let died = false;
  what.exited?.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died) throw new Error(`${what.name} stopped while starting; see ${what.logFile ?? 'its log'}.`);
    if (await canConnect(port, host)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what.name} did not start listening on ${host}:${port} within the time limit.`);
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Fails with one clear line when a port is already taken. */
export async function assertPortFree(port: number, host: string, service: string, variable: string) {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `Port ${port} (${service}) is already in use. Stop what is using it, or pick another port: ${variable}=<port> npm start`,
    );
  }
}

/** Ports this process has handed out: never the same one twice (two local Verities of one test run). */
const handedOut = new Set<number>();

/**
 * A port nothing listens on now, and that this process has not handed out before: the system's
 * next ephemeral port can be one given a moment ago whose server has not bound it yet (the
 * integration and browser layers each start a local Verity, six ports each, at the same time).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await ephemeralPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
