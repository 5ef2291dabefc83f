/**
 * The stack's customer-managed KMS key: tables, the evidence bucket and the log groups are
 * encrypted with it, so one key policy says who can read Verity's data at rest, and disabling
 * the key makes all of it unreadable at once.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';
import { removalPolicyFor } from './retention.ts';

export class EncryptionKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, config: VerityConfig) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Verity ${config.stage}: tables, verification evidence, logs`,
      alias: `alias/verity-${config.stage}`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyFor(config),
    });
    this.allowCloudWatchLogs();
  }

  /**
   * CloudWatch Logs encrypts with the key as its own service principal, not as the writer's
   * role, so the key policy has to name it; the condition keeps it to this account's log groups
   * in this region.
   */
  private allowCloudWatchLogs(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
