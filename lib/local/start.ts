/**
 * Starts the whole local Verity: embedded AWS, resources from the manifests, the gateway. Used
 * by `npm start` (bin/local.ts) and by the integration and browser test setups alike.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { handlerEnvironment } from '../environment.ts';
import {
  createTables,
  createWorkforce,
  localDataKeyFile,
  localPepperFile,
  type Workforce,
} from './bootstrap.ts';
import { LOCAL_EVIDENCE_BUCKET, type LocalConfig, portVariables, projectRoot } from './config.ts';
import { type DemoMember, seedDemoMember } from './demo-member.ts';
import { startEmbeddedAws } from './embedded-aws.ts';
import { startGateway } from './gateway.ts';
import { assertPortFree } from './processes.ts';
import { requestClock } from './test-clock.ts';

export interface RunningVerity {
  readonly siteUrl: string;
  readonly endpoints: { dynamodb: string; ses: string; cognito: string; s3: string };
  readonly sdkEnvironment: Record<string, string>;
  readonly handlerEnvironment: Record<string, string>;
  readonly workforce: Workforce;
  readonly evidenceBucket: string;
  readonly demoMember: DemoMember;
}

/** Texts and voice calls land here locally, one JSON line each; the gateway shows them at /_local/texts. */
export const textOutboxFile = (config: LocalConfig) => join(config.dataDir, 'texts.jsonl');

/** Written to `<dataDir>/local.json` once Verity is up; scripts and tests read it. */
export const stateFile = (config: LocalConfig) => join(config.dataDir, 'local.json');

export function readRunningState(config: LocalConfig): RunningVerity {
  return JSON.parse(readFileSync(stateFile(config), 'utf8')) as RunningVerity;
}

export async function startVerity(
  config: LocalConfig,
): Promise<{ state: RunningVerity; stop: () => Promise<void> }> {
  await assertPortFree(config.ports.site, config.host, 'the Verity site', portVariables.site);
  const aws = await startEmbeddedAws(config);
  let gateway: Server | undefined;
  try {
    Object.assign(process.env, aws.sdkEnvironment);
    const tableNames = await createTables();
    const workforce = await createWorkforce(config, aws.endpoints.cognito);
    const version = (
      JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const environment = handlerEnvironment({
      stage: 'local',
      version,
      tableNames: tableNames as Parameters<typeof handlerEnvironment>[0]['tableNames'],
      mailFrom: process.env.VERITY_MAIL_FROM ?? 'Verity <no-reply@verity.local>',
      siteUrl: `http://localhost:${config.ports.site}`,
      pepper: { localFile: localPepperFile(config) },
      dataKey: { localFile: localDataKeyFile(config) },
      textOutbox: textOutboxFile(config),
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    Object.assign(process.env, environment);
    const demoMember = await seedDemoMember(config);
    gateway = await startGateway({
      port: config.ports.site,
      host: config.host,
      textOutbox: textOutboxFile(config),
      clock: requestClock({ env: process.env, dataDir: config.dataDir }),
      workforce: {
        issuer: workforce.issuer,
        clientId: workforce.clientId,
        jwksUri: `${workforce.issuer}/.well-known/jwks.json`,
      },
    });
    const state: RunningVerity = {
      siteUrl: `http://localhost:${config.ports.site}`,
      endpoints: aws.endpoints,
      sdkEnvironment: aws.sdkEnvironment,
      handlerEnvironment: environment,
      workforce,
      evidenceBucket: LOCAL_EVIDENCE_BUCKET,
      demoMember,
    };
    writeFileSync(stateFile(config), JSON.stringify(state, null, 2), { mode: 0o600 });
    const server = gateway;
    return {
      state,
      stop: async () => {
        rmSync(stateFile(config), { force: true });
        await new Promise<void>((ok) => {
          server.closeAllConnections();
          server.close(() => ok());
        });
        await aws.stop();
      },
    };
  } catch (error) {
    gateway?.close();
    await aws.stop();
    throw error;
  }
}
