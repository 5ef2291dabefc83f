/**
 * The public face: one CloudFront distribution. `/assets/*` comes from a private S3 bucket
 * through Origin Access Control (filled by AssetDeployment); every other path goes, uncached and
 * with all viewer headers except Host, to the HTTP API, with the viewer's Host copied into
 * X-Forwarded-Host on the way (ForwardedHost).
 */
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionEventType,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, resourceOf } from './acknowledge.ts';
import { AssetDeployment } from './asset-deployment.ts';
import type { VerityConfig } from './config.ts';
import { ForwardedHost } from './forwarded-host.ts';
import { removalPolicyFor } from './retention.ts';

export const ASSETS_PATH_PATTERN = '/assets/*';

export interface StaticSiteProps {
  readonly config: VerityConfig;
  readonly projectRoot: string;
  /** `abc123.execute-api.<region>.amazonaws.com` */
  readonly apiDomainName: string;
  readonly accessLogs: IBucket;
  readonly webAclArn: string;
  readonly certificate: ICertificate | undefined;
}

export class StaticSite extends Construct {
  readonly assets: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.assets = this.createAssetsBucket(props);
    this.distribution = this.createDistribution(props);
    new AssetDeployment(this, 'AssetDeployment', {
      config: props.config,
      projectRoot: props.projectRoot,
      bucket: this.assets,
      distribution: this.distribution,
    });
  }

  /** `https://id.example.gov` or `https://d111111abcdef8.cloudfront.net` */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Public files only (USWDS, our css): S3-managed encryption is enough, nothing here is secret. */
  private createAssetsBucket({ config, accessLogs }: StaticSiteProps): Bucket {
    return new Bucket(this, 'Assets', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: removalPolicyFor(config),
      autoDeleteObjects: !config.isProduction,
    });
  }

  private createDistribution(props: StaticSiteProps): Distribution {
    const { config, certificate } = props;
    const forwardedHost = new ForwardedHost(this, 'ForwardedHost', config);
    const distribution = new Distribution(this, 'Distribution', {
      comment: `Verity ${config.stage}`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      domainNames: config.domainName ? [config.domainName] : undefined,
      certificate,
      // Only a custom certificate can carry a security policy; the default one is fixed at TLSv1.
      minimumProtocolVersion: certificate ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: new HttpOrigin(props.apiDomainName, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // Pages are per member and set their own Cache-Control: never share them at the edge.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // API Gateway routes on its own Host name; everything else (cookies, Authorization,
        // query strings, and the X-Forwarded-Host that the function below sets from the viewer's
        // Host, so that mailed links name the public host) must reach the handlers untouched.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [
          { function: forwardedHost.function, eventType: FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        [ASSETS_PATH_PATTERN]: {
          origin: S3BucketOrigin.withOriginAccessControl(this.assets),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
          compress: true,
        },
      },
    });
    acknowledge(resourceOf(distribution), 'AwsSolutions-CFR1', 'noGeoRestriction');
    if (!certificate)
      acknowledge(resourceOf(distribution), 'AwsSolutions-CFR4', 'defaultCloudFrontCertificate');
    return distribution;
  }
}
