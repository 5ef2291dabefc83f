/**
 * cdk-nag findings that Verity accepts, each with the reason a security reviewer reads.
 * cdk-nag 3 reads acknowledgements from CDK's own `Validations.of(scope).acknowledge()`; an
 * acknowledgement on a construct covers the resources beneath it, so each one is placed on the
 * smallest construct that produces the finding. docs/deploy.md lists the same rules and reasons,
 * and an infra test fails when a rule acknowledged here is missing there.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const reasons = {
  workforcePasswordComposition:
    'NIST SP 800-63B (section 5.1.1.2 of revision 3, 3.1.1.2 of revision 4) tells verifiers not to impose composition ' +
    'rules such as mixed case, digits or symbols; the workforce pool instead requires at least 12 characters and a TOTP ' +
    'second factor on every sign-in.',
  workforceFeaturePlan:
    'Threat protection needs the Cognito Plus feature plan, billed per monthly active user; it is one context switch away ' +
    '(workforceThreatProtection=true) and the pool already requires TOTP MFA and has self sign-up disabled.',
  lambdaRuntimeNode22:
    'Verity pins nodejs22.x on purpose: every local run, integration test and benchmark runs on the node@22 devDependency, ' +
    'so the runtime in Lambda is the runtime that was tested; moving to a newer major is a deliberate upgrade.',
  tableIndexWildcard:
    'The grant reaches the global secondary indexes of this one table through its own index/* ARN; the indexes are ' +
    'listed in lib/tables.ts and an index ARN under this table cannot address any other table or account.',
  tableKeyActions:
    'kms:GenerateDataKey* and kms:ReEncrypt* come from the aws-cdk-lib DynamoDB write grant for a table under a ' +
    'customer managed key, and the statement names only the ARN of the stack key that encrypts this table.',
  publicRoute:
    'Members and relying parties reach this route without an API Gateway credential by design (hosted pages, OIDC ' +
    'endpoints, health, CSP reports); the handler checks the member session cookie or client authentication itself, ' +
    'and CloudFront with the WAF rate rule sits in front of it.',
  defaultCloudFrontCertificate:
    'No custom domain was configured, so the distribution uses the default *.cloudfront.net certificate, whose policy ' +
    'CloudFront fixes at TLSv1; setting the domainName context attaches an ACM certificate with TLSv1.2_2021 as minimum.',
  noGeoRestriction:
    'Verity serves members and relying parties wherever they are, including travellers and people abroad who must ' +
    'reach government services; blocking by country would lock out legitimate users, so abuse is handled by WAF rules.',
  logBucketSelfLogging:
    'This bucket is the access log destination for the other buckets and the distribution; logging its own access ' +
    'into itself would create an endless loop of log records, so it is the one bucket without server access logs.',
  bucketDeploymentWildcards:
    'The CDK BucketDeployment provider copies the static assets: it reads the zipped assets from the CDK bootstrap ' +
    'bucket, whose keys are content hashes, and writes and prunes every object of the static assets bucket, which holds only public files.',
  bucketDeploymentInvalidation:
    'aws-cdk-lib grants the BucketDeployment provider cloudfront:CreateInvalidation and GetInvalidation on *; these ' +
    'actions only make CloudFront fetch fresh copies of public files after a deployment and cannot read or change any data.',
  bucketDeploymentRuntime:
    'The Python runtime of the CDK BucketDeployment provider is chosen by aws-cdk-lib, not by Verity; it runs only ' +
    'during deployment to copy public static files and is updated when aws-cdk-lib is upgraded.',
  sendTextsAnyOrigin:
    'Handlers that send sign-in codes get sms-voice:SendTextMessage and SendVoiceMessage only; the phone number, pool ' +
    'or sender ID they come from is registered outside the stack (or chosen by the service), so its ARN is unknown at ' +
    'synthesis, and these two actions cannot read or change any resource.',
  evidenceAttemptObjects:
    'Verification pictures are stored under attempts/ with keys Verity makes for each attempt, so the grant names that ' +
    'prefix of the one evidence bucket: object actions only, no listing, and only what the handler flags in lib/routes.ts ask for.',
  identityChecksAnyResource:
    'textract:AnalyzeID, rekognition:DetectFaces and rekognition:CompareFaces act on the images passed to them and have no ' +
    "resource-level permissions; they read those images from S3 with the caller's own grant on attempts/ of the evidence bucket.",
  videoCallMeetings:
    'The video call handler may create a Chime SDK meeting, add attendees and delete it; a meeting and its ID exist only ' +
    'once CreateMeeting returns, so no meeting ARN is known at synthesis, and nothing here can read, list or record meetings.',
  workforcePagesRoute:
    'Agents reach the agent console in a browser, which sends no bearer token for a JWT authorizer to check; the handler ' +
    'verifies the workforce session cookie against the Cognito workforce pool and checks the agents group on every request.',
} as const;

export type ReasonName = keyof typeof reasons;

/** Acknowledge one rule (or one finding, `Rule[finding]`) on a construct and everything beneath it. */
export function acknowledge(scope: IConstruct, ruleId: string, reason: ReasonName): void {
  Validations.of(scope).acknowledge({ id: ruleId, reason: reasons[reason] });
}

/**
 * The CloudFormation resource of an L2 construct, to acknowledge a finding on that resource alone
 * rather than on the children the L2 also owns (a pool's clients, a route's integration).
 */
export function resourceOf(construct: IConstruct): IConstruct {
  const resource = construct.node.defaultChild;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource of its own`);
  return resource;
}

/** A role's default policy, where grants put their statements and so where IAM5 findings are. */
export function defaultPolicyOf(role: IConstruct): IConstruct {
  return role.node.findChild('DefaultPolicy');
}

/** How cdk-nag spells a `Fn::GetAtt [resource, Arn]` in a finding: `<LogicalId.Arn>`. */
export function nagArnOf(resource: IConstruct): string {
  const stack = Stack.of(resource);
  return `<${stack.resolve((resource as CfnElement).logicalId)}.Arn>`;
}

/** How cdk-nag spells a literal or a pseudo parameter in a finding: `us-east-1`, `<AWS::AccountId>`. */
export function nagSpelling(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  if (typeof resolved === 'string') return resolved.replace(/\$\{([^}]+)\}/g, '<$1>');
  const ref = (resolved as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref === 'string') return `<${ref}>`;
  throw new Error(`Cannot spell ${JSON.stringify(resolved)} as cdk-nag does`);
}
