/**
 * Where S3 server access logs and CloudFront standard logs go. Both services write only to
 * buckets with S3-managed encryption (they cannot use a customer key), and CloudFront standard
 * logging writes through an ACL, so this bucket allows ACLs for the log writer and nothing else.
 */
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, resourceOf } from './acknowledge.ts';
import type { VerityConfig } from './config.ts';
import { accessLogExpiryFor, removalPolicyFor } from './retention.ts';

export class LogBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: accessLogExpiryFor(config) }],
      removalPolicy: removalPolicyFor(config),
      autoDeleteObjects: !config.isProduction,
    });
    acknowledge(resourceOf(this.bucket), 'AwsSolutions-S1', 'logBucketSelfLogging');
  }
}
