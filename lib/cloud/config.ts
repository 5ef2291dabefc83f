/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`). Every key, its
 * default and what it changes is documented in docs/deploy.md; keep the two in step.
 */
import { readFileSync } from 'node:fs';
import type { Node } from 'constructs';
import type { VerificationVendorsChoice } from '../environment.ts';

export interface VerityConfig {
  /** `dev` is disposable; any other stage keeps its data (deletion protection, RETAIN). */
  readonly stage: string;
  readonly isProduction: boolean;
  /** Region of the regional stack. The edge stack is always in us-east-1. */
  readonly region: string;
  /** Account to deploy to; undefined leaves it to the credentials used at deploy time. */
  readonly account: string | undefined;
  /** Custom domain of the site, e.g. `id.example.gov`; undefined uses the CloudFront domain. */
  readonly domainName: string | undefined;
  /** From header of member mail, e.g. `Verity <no-reply@id.example.gov>`. */
  readonly mailFrom: string;
  /** The address inside `mailFrom`. */
  readonly mailFromAddress: string;
  /** What SES verifies: the whole domain of `mailFromAddress` (production) or only the address. */
  readonly mailIdentity: 'domain' | 'address';
  /**
   * The End User Messaging phone number, pool or sender ID (ID or ARN) that sign-in codes come
   * from; undefined lets the service choose one of the account's and offers no voice calls.
   */
  readonly smsOriginationIdentity: string | undefined;
  /** Cognito threat protection on the workforce pool (Plus feature plan, billed per user). */
  readonly workforceThreatProtection: boolean;
  /**
   * Who checks documents and faces and holds video calls: `aws` (Textract, Rekognition, the Chime
   * SDK; the default) or `sandbox`, which passes any ordinary picture as a sample identity and
   * so is refused outside the dev stage.
   */
  readonly verificationVendors: VerificationVendorsChoice;
  /**
   * `sandbox`: the operator accepts the sandbox's records check (there is no built-in data
   * broker); refused outside the dev stage. Undefined: no records vendor, and the verification
   * handlers refuse to start with the `aws` vendors until a broker is plugged in.
   */
  readonly recordsVendor: 'sandbox' | undefined;
  /** package.json version, shown by /health. */
  readonly version: string;
}

export const DEFAULT_MAIL_FROM = 'Verity <no-reply@verity.example>';
export const DEFAULT_REGION = 'us-east-1';

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function readConfig(node: Node, packageJsonPath: string): VerityConfig {
  const stage = stringContext(node, 'stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(
      `Context "stage" must be lowercase letters, digits and dashes (at most 16): got "${stage}"`,
    );
  }
  const domainName = stringContext(node, 'domainName')?.toLowerCase();
  if (domainName !== undefined && !DOMAIN_PATTERN.test(domainName)) {
    throw new Error(`Context "domainName" is not a host name: "${domainName}"`);
  }
  const mailFrom = stringContext(node, 'mailFrom') ?? DEFAULT_MAIL_FROM;
  const mailIdentity = stringContext(node, 'mailIdentity') ?? 'domain';
  if (mailIdentity !== 'domain' && mailIdentity !== 'address') {
    throw new Error(`Context "mailIdentity" must be "domain" or "address": got "${mailIdentity}"`);
  }
  const isProduction = stage !== 'dev';
  const verificationVendors = stringContext(node, 'verificationVendors') ?? 'aws';
  if (verificationVendors !== 'aws' && verificationVendors !== 'sandbox') {
    throw new Error(`Context "verificationVendors" must be "aws" or "sandbox": got "${verificationVendors}"`);
  }
  const recordsVendor = stringContext(node, 'recordsVendor');
  if (recordsVendor !== undefined && recordsVendor !== 'sandbox') {
    throw new Error(
      `Context "recordsVendor" must be empty or "sandbox": got "${recordsVendor}". Verity has no ` +
        'built-in data broker yet; see "Identity verification" in docs/deploy.md.',
    );
  }
  if (isProduction && (verificationVendors === 'sandbox' || recordsVendor === 'sandbox')) {
    const setting = verificationVendors === 'sandbox' ? 'verificationVendors' : 'recordsVendor';
    throw new Error(
      `Context "${setting}" is "sandbox" on stage "${stage}": the sandbox verification vendor ` +
        'passes made-up people by design, so only the dev stage may use it. Remove the setting ' +
        'for this stage; records need a data broker plugged into the RecordsVerifier port ' +
        '(docs/deploy.md, "Identity verification").',
    );
  }
  return {
    stage,
    isProduction,
    region: stringContext(node, 'region') ?? DEFAULT_REGION,
    account: stringContext(node, 'account') ?? process.env.CDK_DEFAULT_ACCOUNT,
    domainName,
    mailFrom,
    mailFromAddress: addressOf(mailFrom),
    mailIdentity,
    smsOriginationIdentity: stringContext(node, 'smsOriginationIdentity'),
    workforceThreatProtection: booleanContext(node, 'workforceThreatProtection') ?? false,
    verificationVendors,
    recordsVendor,
    version: packageVersion(packageJsonPath),
  };
}

/** `Verity <no-reply@id.example.gov>` or a bare address -> the address. */
export function addressOf(mailFrom: string): string {
  const address = (/<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) {
    throw new Error(`Context "mailFrom" has no usable address: "${mailFrom}"`);
  }
  return address;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

function packageVersion(packageJsonPath: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`${packageJsonPath} has no version`);
  return pkg.version;
}

/** Context from `-c key=value` is always a string; from cdk.json it keeps its JSON type. */
function stringContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context "${key}" must be a string`);
  return value.trim();
}

function booleanContext(node: Node, key: string): boolean | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context "${key}" must be true or false`);
}
