/**
 * Fills the static assets bucket from `assetMounts` in lib/routes.ts at deploy time, the way the
 * local gateway serves them from disk: `/assets/uswds/` with `include: ['css', 'fonts']` uploads
 * just those folders of its `dir`, under the key prefix `assets/uswds/`. After each upload the
 * mount's paths are invalidated in CloudFront.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultStackSynthesizer, Duration, IgnoreMode, Stack } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { assetMounts } from '../routes.ts';
import { acknowledge, defaultPolicyOf, nagArnOf, nagSpelling, resourceOf } from './acknowledge.ts';
import type { VerityConfig } from './config.ts';
import { pascalCase } from './names.ts';
import { logRetentionFor, removalPolicyFor } from './retention.ts';

export interface AssetDeploymentProps {
  readonly config: VerityConfig;
  readonly projectRoot: string;
  readonly bucket: Bucket;
  readonly distribution: Distribution;
}

type AssetMount = (typeof assetMounts)[number];

export class AssetDeployment extends Construct {
  constructor(scope: Construct, id: string, props: AssetDeploymentProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: logRetentionFor(props.config),
      removalPolicy: removalPolicyFor(props.config),
    });
    const role = this.createRole(logGroup);
    // One deployment per mount, not per folder: each BucketDeployment brings its own AWS CLI layer.
    for (const mount of assetMounts) this.deployMount(mount, props, role, logGroup);
    acknowledgeProviderFindings(this, role, props.bucket);
  }

  private deployMount(mount: AssetMount, props: AssetDeploymentProps, role: Role, logGroup: LogGroup): void {
    const keyPrefix = mount.urlPrefix.replace(/^\//, '');
    new BucketDeployment(this, pascalCase(keyPrefix), {
      sources: [mountSource(props.projectRoot, mount)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: keyPrefix,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.hours(1))],
      distribution: props.distribution,
      distributionPaths: [`/${keyPrefix}*`],
      memoryLimit: 512,
      logGroup,
      role,
    });
  }

  /**
   * The role of the CDK's copy-to-S3 function, made here rather than by CDK so that it carries no
   * AWS managed policy: its only own permission is writing its log group; BucketDeployment adds
   * the S3 and CloudFront permissions it needs.
   */
  private createRole(logGroup: LogGroup): Role {
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the static assets into the assets bucket during deployment',
    });
    logGroup.grantWrite(role);
    return role;
  }
}

/**
 * The mount's folder as a CDK asset, leaving out every top-level entry that `include` does not
 * name (`.` names them all). Gitignore syntax, so `/scss` means that folder at the top only.
 */
function mountSource(projectRoot: string, mount: AssetMount): ISource {
  const dir = join(projectRoot, mount.dir);
  const include: readonly string[] = mount.include;
  if (include.includes('.')) return Source.asset(dir);
  const exclude = readdirSync(dir)
    .filter((entry) => !include.includes(entry))
    .map((entry) => `/${entry}`);
  return Source.asset(dir, { exclude, ignoreMode: IgnoreMode.GIT });
}

/**
 * The findings of the CDK-provided deployment function, each acknowledged by name: the wildcard
 * actions BucketDeployment grants, the two buckets it reads from and writes to, the invalidation
 * it may start, and its runtime (chosen by aws-cdk-lib).
 */
function acknowledgeProviderFindings(scope: Construct, role: Role, bucket: Bucket): void {
  const stack = Stack.of(scope);
  const policy = defaultPolicyOf(role);
  for (const finding of [
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    `Resource::arn:${nagSpelling(stack, stack.partition)}:s3:::${cdkAssetsBucketName(stack)}/*`,
    `Resource::${nagArnOf(resourceOf(bucket))}/*`,
  ]) {
    acknowledge(policy, `AwsSolutions-IAM5[${finding}]`, 'bucketDeploymentWildcards');
  }
  acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', 'bucketDeploymentInvalidation');
  // The provider is a singleton function at the stack's root, shared by every BucketDeployment.
  for (const provider of stack.node.children.filter((c) =>
    c.node.id.startsWith('Custom::CDKBucketDeployment'),
  )) {
    acknowledge(resourceOf(provider), 'AwsSolutions-L1', 'bucketDeploymentRuntime');
  }
}

/** The bootstrap bucket the CDK uploads assets to, spelled as in the provider's policy. */
function cdkAssetsBucketName(stack: Stack): string {
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(/\$\{Qualifier\}/, qualifier)
    .replace(/\$\{AWS::AccountId\}/, nagSpelling(stack, stack.account))
    .replace(/\$\{AWS::Region\}/, nagSpelling(stack, stack.region));
}
