/** DynamoDB Local is a Java program: check for Java 17+ up front and say exactly what to do. */
import { spawnSync } from 'node:child_process';

export const JAVA_HELP =
  'Install Java 17 or newer: `apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu), `brew install openjdk@17` (macOS), or set JAVA_HOME.';

export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  const command = env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
  const probe = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`DynamoDB Local needs Java 17 or newer, and \`${command}\` was not found. ${JAVA_HELP}`);
  }
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : 0;
  if (major < 17) {
    throw new Error(
      `DynamoDB Local needs Java 17 or newer, but \`${command}\` is Java ${major || 'unknown'}. ${JAVA_HELP}`,
    );
  }
  return command;
}
