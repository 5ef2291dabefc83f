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
  /**
   * Origin of the member-facing site, for links in mail (`https://id.example.gov`). Without it
   * (a deploy with no custom domain) handlers use the host CloudFront forwards.
   */
  readonly siteUrl?: string;
  /** Where the password pepper lives: a KMS HMAC key in the cloud, a key file locally. */
  readonly pepper: { readonly kmsKeyId: string } | { readonly localFile: string };
  /**
   * Where the key of field encryption lives (lambdas/keys/field-encryption.ts): the stack's KMS
   * key in the cloud (its ARN), a 32-byte AES key file locally.
   */
  readonly dataKey: { readonly kmsKeyId: string } | { readonly localFile: string };
  /**
   * Locally, the file that collects texts and voice calls instead of End User Messaging (shown
   * at /_local/texts). Absent in the cloud, which is what makes handlers send for real.
   */
  readonly textOutbox?: string;
  /**
   * The End User Messaging phone number, pool or sender ID (its ID or ARN) that codes come from.
   * Without it texts go out from whatever the account has, and voice calls are not offered.
   */
  readonly smsOriginationIdentity?: string;
  /**
   * The mail outbox's SQS queue (lambdas/mail/outbox.ts), in the cloud. Absent locally, where the
   * local gateway sends each request's mail right after its response (lib/local/mail-outbox.ts).
   */
  readonly mailQueueUrl?: string;
  /**
   * The bucket of identity verification evidence (document pictures, selfies): the stack's
   * evidence bucket in the cloud, s3rver's `verity-evidence` locally. Only the handlers flagged
   * `usesEvidence` or `checksIdentity` in lib/routes.ts may reach it; the others just see its name.
   */
  readonly evidenceBucket: string;
  /**
   * Who checks documents and faces and holds video calls: `aws` (Textract, Rekognition, the
   * Chime SDK) or `sandbox`, the deterministic stand-in of `npm start` and the tests
   * (lambdas/verification/vendors/from-environment.ts).
   */
  readonly verificationVendors: VerificationVendorsChoice;
  /**
   * Who checks records (name, date of birth, SSN, address, date of death) when
   * `verificationVendors` is `aws`. Verity has no built-in data broker: `sandbox` accepts the
   * sandbox's rules, which verify nobody real (the cloud stack allows it on the dev stage only);
   * absent, the verification handlers refuse to start until a broker is plugged in.
   */
  readonly recordsVendor?: 'sandbox';
  /**
   * The workforce pool as the agent console's sign-in pages and cookie check need it: the issuer
   * of its tokens (`https://cognito-idp.<region>.amazonaws.com/<pool>`, cognito-local's URL
   * locally; its JWKS is `<issuer>/.well-known/jwks.json`) and the app client's id.
   */
  readonly workforce: { readonly issuer: string; readonly clientId: string };
}

export type VerificationVendorsChoice = 'sandbox' | 'aws';

export const WORKFORCE_ISSUER_VARIABLE = 'WORKFORCE_ISSUER';
export const WORKFORCE_CLIENT_VARIABLE = 'WORKFORCE_CLIENT_ID';

export function handlerEnvironment(input: EnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    VERITY_STAGE: input.stage,
    VERITY_VERSION: input.version,
    MAIL_FROM: input.mailFrom,
    POWERTOOLS_SERVICE_NAME: 'verity',
    POWERTOOLS_METRICS_NAMESPACE: 'Verity',
    POWERTOOLS_LOG_LEVEL: input.logLevel ?? 'INFO',
  };
  if (input.siteUrl) env.VERITY_SITE_URL = input.siteUrl;
  if ('kmsKeyId' in input.pepper) env.PEPPER_KMS_KEY_ID = input.pepper.kmsKeyId;
  else env.VERITY_LOCAL_PEPPER_FILE = input.pepper.localFile;
  if ('kmsKeyId' in input.dataKey) env.DATA_KMS_KEY_ID = input.dataKey.kmsKeyId;
  else env.VERITY_LOCAL_DATA_KEY_FILE = input.dataKey.localFile;
  if (input.textOutbox) env.VERITY_LOCAL_TEXT_OUTBOX = input.textOutbox;
  if (input.smsOriginationIdentity) env.SMS_ORIGINATION_IDENTITY = input.smsOriginationIdentity;
  if (input.mailQueueUrl) env.MAIL_QUEUE_URL = input.mailQueueUrl;
  env.EVIDENCE_BUCKET = input.evidenceBucket;
  env.VERITY_VERIFICATION_VENDORS = input.verificationVendors;
  if (input.recordsVendor) env.VERITY_RECORDS_VENDOR = input.recordsVendor;
  env[WORKFORCE_ISSUER_VARIABLE] = input.workforce.issuer;
  env[WORKFORCE_CLIENT_VARIABLE] = input.workforce.clientId;
  for (const table of tables) env[table.envVar] = input.tableNames[table.name];
  return env;
}
