/**
 * What a stage keeps. `dev` is for trying Verity out and is meant to be torn down with
 * `cdk destroy`; every other stage holds real people's accounts, so its data outlives the stack.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { VerityConfig } from './config.ts';

export function removalPolicyFor(config: VerityConfig): RemovalPolicy {
  return config.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Lambda and API access logs: long enough to investigate an incident reported months later. */
export function logRetentionFor(config: VerityConfig): RetentionDays {
  return config.isProduction ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;
}

/** S3 server access logs and CloudFront standard logs, same reasoning as the log groups. */
export function accessLogExpiryFor(config: VerityConfig): Duration {
  return config.isProduction ? Duration.days(365) : Duration.days(30);
}

/** Uploaded identity evidence is needed only until an agent or the vendor has decided. */
export const EVIDENCE_EXPIRY = Duration.days(7);
