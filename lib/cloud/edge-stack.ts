/**
 * What CloudFront insists on finding in us-east-1: the CLOUDFRONT-scoped WAF web ACL and, with a
 * custom domain, the ACM certificate. Everything else lives in the regional stack, which reads
 * these two ARNs as stack outputs (see docs/deploy.md, "Two stacks").
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import type { VerityConfig } from './config.ts';
import { WebAcl } from './web-acl.ts';

export const EDGE_REGION = 'us-east-1';

export class VerityEdgeStack extends Stack {
  readonly webAclArn: string;
  readonly certificate: ICertificate | undefined;

  constructor(scope: Construct, id: string, config: VerityConfig, props: StackProps = {}) {
    super(scope, id, {
      ...props,
      env: { account: config.account, region: EDGE_REGION },
      description: `Verity ${config.stage} edge: WAF web ACL and certificate for CloudFront (us-east-1)`,
    });
    this.webAclArn = new WebAcl(this, 'WebAcl', config).acl.attrArn;
    // DNS validation without a hosted zone: the operator publishes the CNAME that ACM asks for
    // (shown in the console and by `aws acm describe-certificate`) while the deploy waits.
    this.certificate =
      config.domainName === undefined
        ? undefined
        : new Certificate(this, 'SiteCertificate', {
            domainName: config.domainName,
            validation: CertificateValidation.fromDns(),
          });
  }
}
