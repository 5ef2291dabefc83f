/**
 * The environment every handler sees. The CDK stack passes it to each Lambda; the local gateway
 * puts it into its own process.env. One builder, so both places set the same variables.
 */
import { type TableName, tables } from './tables.ts';

export interface EnvironmentInput {
  readonly stage: string;
  readonly version: string;
  /** Physical table names: CDK tokens in the cloud, prefixed names locally. */
  readonly tableNames: Record<TableName, string>;
  /** From address of member mail, e.g. `Verity <no-reply@id.example.gov>`. */
  readonly mailFrom: string;
  readonly logLevel?: string;
}

export function handlerEnvironment(input: EnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    VERITY_STAGE: input.stage,
    VERITY_VERSION: input.version,
    MAIL_FROM: input.mailFrom,
    POWERTOOLS_SERVICE_NAME: 'verity',
    POWERTOOLS_METRICS_NAMESPACE: 'Verity',
    POWERTOOLS_LOG_LEVEL: input.logLevel ?? 'INFO',
  };
  for (const table of tables) env[table.envVar] = input.tableNames[table.name];
  return env;
}
