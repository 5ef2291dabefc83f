/**
 * The password pepper: a KMS HMAC key. Handlers ask KMS for a MAC of each scrypt output
 * (GenerateMac); the key itself never leaves KMS, so a copy of the accounts table alone cannot
 * be attacked offline.
 */
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';
import { removalPolicyFor } from './retention.ts';

export class PepperKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    // KMS cannot rotate HMAC keys, and stored hashes do not name their key: replacing this key
    // voids every password (docs/deploy.md, "The password pepper"). RETAIN outside dev.
    this.key = new Key(this, 'Key', {
      description: `Verity ${config.stage}: password pepper (HMAC-SHA-256)`,
      alias: `alias/verity-${config.stage}-pepper`,
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: removalPolicyFor(config),
    });
  }
}
