/**
 * Finds the system Chromium for the browser tests. On a machine without it, installs Debian's
 * package when running as root (as CI does), or stops with the exact command to run.
 */
import { execSync, spawnSync } from 'node:child_process';

export const CHROMIUM_INSTALL = 'sudo apt-get update && sudo apt-get install -y chromium';

export function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const path = found.stdout.trim().split('\n')[0];
  return path || undefined;
}

export function ensureChromium(): string {
  const existing = findChromium();
  if (existing) return existing;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
  if (!root || !apt) {
    throw new Error(
      `The browser tests need Chromium, and none was found. Install it with: ${CHROMIUM_INSTALL}  (or set CHROMIUM_PATH to a Chromium binary)`,
    );
  }
  process.stderr.write('Chromium is missing: installing Debian package chromium (apt-get)...\n');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const installed = findChromium();
  if (!installed)
    throw new Error(`apt-get installed chromium but it is not on PATH. Try: ${CHROMIUM_INSTALL}`);
  return installed;
}

/** Flags for this machine's closed network: no background calls that would be refused. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
