import type { LocalConfig } from '../../lib/local/config.ts';
import { freePort } from '../../lib/local/processes.ts';

/** A throw-away local Verity for a suite: DynamoDB in memory, every service on a free port. */
export async function benchConfig(dataDir: string): Promise<LocalConfig> {
  return {
    dataDir,
    inMemory: true,
    host: '127.0.0.1',
    ports: {
      site: await freePort(),
      dynamodb: await freePort(),
      ses: await freePort(),
      cognito: await freePort(),
      s3: await freePort(),
      demoPartner: await freePort(),
    },
  };
}
