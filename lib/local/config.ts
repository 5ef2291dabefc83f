/**
 * Where the embedded AWS and the gateway listen, and where local state lives. Every port can be
 * moved with an environment variable; tests pass free ports.
 */
import { resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '../..');

export interface LocalConfig {
  readonly dataDir: string;
  /** Tests keep DynamoDB in memory and throw the data folder away. */
  readonly inMemory: boolean;
  readonly host: string;
  readonly ports: {
    readonly site: number;
    readonly dynamodb: number;
    readonly ses: number;
    readonly cognito: number;
    readonly s3: number;
    /** The demo partner app (demo/partner/): Demo XMS and Demo IRS. */
    readonly demoPartner: number;
  };
}

export const portVariables = {
  site: 'VERITY_PORT',
  dynamodb: 'VERITY_DYNAMODB_PORT',
  ses: 'VERITY_SES_PORT',
  cognito: 'VERITY_COGNITO_PORT',
  s3: 'VERITY_S3_PORT',
  demoPartner: 'VERITY_DEMO_PARTNER_PORT',
} as const;

const defaultPorts = { site: 3000, dynamodb: 8000, ses: 8005, cognito: 9229, s3: 4569, demoPartner: 3001 };

export function localConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const port = (key: keyof typeof defaultPorts): number => {
    const raw = env[portVariables[key]];
    if (raw === undefined || raw === '') return defaultPorts[key];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${portVariables[key]} must be a port number (1-65535), not "${raw}".`);
    }
    return value;
  };
  return {
    dataDir: resolve(projectRoot, env.VERITY_DATA_DIR ?? '.verity'),
    inMemory: env.VERITY_IN_MEMORY === '1',
    host: '127.0.0.1',
    ports: {
      site: port('site'),
      dynamodb: port('dynamodb'),
      ses: port('ses'),
      cognito: port('cognito'),
      s3: port('s3'),
      demoPartner: port('demoPartner'),
    },
  };
}

/** Physical table names of the embedded stack. */
export const localTableName = (name: string) => `verity-${name}`;
export const LOCAL_EVIDENCE_BUCKET = 'verity-evidence';
export const LOCAL_REGION = 'us-east-1';
