/**
 * Identity verification evidence (document images, selfies) that members upload through
 * presigned URLs. It is the most sensitive thing Verity stores and is needed only until a
 * decision is made, so it is encrypted with the stack key and deleted after seven days; no
 * versioning, so a deleted or expired object leaves no older copy behind.
 */

import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';
import { EVIDENCE_EXPIRY, removalPolicyFor } from './retention.ts';

export interface EvidenceBucketProps {
  readonly config: VerityConfig;
  readonly key: IKey;
  readonly accessLogs: IBucket;
}

export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, { config, key, accessLogs }: EvidenceBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      lifecycleRules: [
        {
          id: 'expire-evidence',
          expiration: EVIDENCE_EXPIRY,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: removalPolicyFor(config),
      autoDeleteObjects: !config.isProduction,
    });
  }
}
