/**
 * Starts the whole local Verity: embedded AWS, resources from the manifests, the gateway, and the
 * demo partner app beside it. Used by `npm start` (bin/local.ts) and by the integration and
 * browser test setups alike.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { startDemoPartner } from '../../demo/partner/index.ts';
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
import { seedDemoPartners } from './demo-partners.ts';
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
  /** The demo partner app: Demo XMS at /xms/, Demo IRS at /irs/. */
  readonly demoPartnerUrl: string;
  /** Demo XMS's seeded account of its own (the demo member's email, its own password). */
  readonly demoXmsAccount: { readonly email: string; readonly password: string };
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
  const siteUrl = `http://localhost:${config.ports.site}`;
  const demoPartnerUrl = `http://localhost:${config.ports.demoPartner}`;
  const aws = await startEmbeddedAws(config);
  let gateway: Server | undefined;
  let demoPartner: Server | undefined;
  try {
    // Checked once Java is known to be there (startEmbeddedAws), as the embedded services' ports are.
    await assertPortFree(
      config.ports.demoPartner,
      config.host,
      'the demo partner app',
      portVariables.demoPartner,
    );
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
      siteUrl,
      pepper: { localFile: localPepperFile(config) },
      dataKey: { localFile: localDataKeyFile(config) },
      textOutbox: textOutboxFile(config),
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      evidenceBucket: LOCAL_EVIDENCE_BUCKET,
      // The deterministic sandbox: every verification outcome can be walked without a vendor.
      verificationVendors: 'sandbox',
      recordsVendor: 'sandbox',
      workforce: { issuer: workforce.issuer, clientId: workforce.clientId },
    });
    Object.assign(process.env, environment);
    const demoMember = await seedDemoMember(config);
    const demoPartners = await seedDemoPartners(config, siteUrl, demoPartnerUrl);
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
    // After the gateway, though it would not mind: it discovers Verity at its first sign-in.
    demoPartner = (
      await startDemoPartner({
        port: config.ports.demoPartner,
        host: config.host,
        issuer: siteUrl,
        partners: demoPartners,
      })
    ).server;
    const state: RunningVerity = {
      siteUrl,
      endpoints: aws.endpoints,
      sdkEnvironment: aws.sdkEnvironment,
      handlerEnvironment: environment,
      workforce,
      evidenceBucket: LOCAL_EVIDENCE_BUCKET,
      demoMember,
      demoPartnerUrl,
      demoXmsAccount: demoPartners.xms.account,
    };
    writeFileSync(stateFile(config), JSON.stringify(state, null, 2), { mode: 0o600 });
    const servers = [gateway, demoPartner];
    return {
      state,
      stop: async () => {
        rmSync(stateFile(config), { force: true });
        await Promise.all(servers.map(closeServer));
        await aws.stop();
      },
    };
  } catch (error) {
    gateway?.close();
    demoPartner?.close();
    await aws.stop();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
}
