/**
 * The deployed resources hold the promises of docs/architecture.md and docs/deploy.md: what runs where,
 * how data is kept, who may do what. One bundled synth of the default (dev) app, one unbundled
 * synth of a production stage, one of a manifest whose handler has every kind of grant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../lambdas/http/handler.ts';
import { requestContext } from '../../lambdas/http/member.ts';
import { ESM_REQUIRE_BANNER } from '../../lib/cloud/bundling.ts';
import { EDGE_REGION } from '../../lib/cloud/edge-stack.ts';
import { FORWARDED_HOST_HEADER } from '../../lib/cloud/forwarded-host.ts';
import { EVIDENCE_KEY_SID, FIELD_ENCRYPTION_SID } from '../../lib/cloud/handler-functions.ts';
import { OUTBOX_DECRYPT_SID, OUTBOX_KEY_SID, SEND_MAIL_SID } from '../../lib/cloud/mail-queue.ts';
import { HANDLER_TAG } from '../../lib/cloud/names.ts';
import { EVIDENCE_EXPIRY } from '../../lib/cloud/retention.ts';
import { RATE_LIMIT } from '../../lib/cloud/web-acl.ts';
import { type HandlerDefinition, handlers, type WorkerDefinition, workers } from '../../lib/routes.ts';
import { type TableName, tableDefinition, tables } from '../../lib/tables.ts';
import { workforcePool } from '../../lib/workforce.ts';
import { grantingManifest } from './fixtures.ts';
import { type Cfn, onlyResource, resourcesOf, type Synthesized, synthesize, tagsOf } from './synth.ts';
import {
  actionsOf,
  functionIdsByHandler,
  functionIdsByWorker,
  mailQueueIds,
  type PolicyStatement,
  resourceIdsOf,
  statementsOfFunction,
  tableIdsByEnvVar,
} from './template-queries.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize({ bundle: true });
  prod = synthesize({
    context: { stage: 'prod', region: 'eu-west-1', domainName: 'id.example.gov', mailIdentity: 'address' },
  });
});
afterAll(() => {
  dev?.dispose();
  prod?.dispose();
});

describe('handlers', () => {
  it('runs one arm64 nodejs22.x function per manifest handler', () => {
    const functions = functionIdsByHandler(dev.mainTemplate);
    expect([...functions.keys()].sort()).toEqual(Object.keys(handlers).sort());
    for (const id of functions.values()) {
      const fn = resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id] as Cfn;
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
    }
  });

  it('bundles every handler as minified ESM with the createRequire banner and a source map', () => {
    for (const id of functionIdsByHandler(dev.mainTemplate).values()) {
      const fn = resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id] as Cfn;
      const assetDir = join(
        dev.assembly.directory,
        `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`,
      );
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/^\/\/# sourceMappingURL=index\.mjs\.map$/m);
      expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
      // Minified: a few very long lines, where esbuild's readable output averages about 30 characters.
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
    }
  });

  it('gives every handler the shared environment, source maps and the table names', () => {
    for (const id of functionIdsByHandler(dev.mainTemplate).values()) {
      const variables = (resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id] as Cfn).Properties
        .Environment.Variables;
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        VERITY_STAGE: 'dev',
        VERITY_VERSION: dev.config.version,
        MAIL_FROM: 'Verity <no-reply@verity.example>',
        POWERTOOLS_SERVICE_NAME: 'verity',
      });
      for (const table of tables) expect(variables[table.envVar]).toEqual({ Ref: expect.any(String) });
    }
  });

  it('tells every handler the evidence bucket, the vendors and the workforce pool', () => {
    const [bucketId] = onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket');
    const [poolId] = onlyResource(dev.mainTemplate, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResource(dev.mainTemplate, 'AWS::Cognito::UserPoolClient');
    const [, authorizer] = onlyResource(dev.mainTemplate, 'AWS::ApiGatewayV2::Authorizer');
    for (const variables of handlerVariables(dev)) {
      expect(variables).toMatchObject({
        EVIDENCE_BUCKET: { Ref: bucketId },
        // The cloud vendors unless a dev stage asks for the sandbox (verification.test.ts).
        VERITY_VERIFICATION_VENDORS: 'aws',
        WORKFORCE_CLIENT_ID: { Ref: clientId },
      });
      // The issuer the gateway's JWT authorizer checks tokens against.
      expect(variables.WORKFORCE_ISSUER).toEqual(authorizer.Properties.JwtConfiguration.Issuer);
      expect(JSON.stringify(variables.WORKFORCE_ISSUER)).toContain(poolId);
      // No records broker is chosen by default: the sandbox's records check only when asked.
      expect(variables.VERITY_RECORDS_VENDOR).toBeUndefined();
    }
  });

  it('tells every handler which KMS key holds the pepper, and never a local pepper file', () => {
    for (const s of [dev, prod]) {
      const [pepperId] = pepperKey(s);
      for (const variables of handlerVariables(s)) {
        expect(variables.PEPPER_KMS_KEY_ID).toEqual({ 'Fn::GetAtt': [pepperId, 'Arn'] });
        expect(variables.VERITY_LOCAL_PEPPER_FILE).toBeUndefined();
      }
    }
  });

  it('tells every handler that the stack key holds the data keys of fields, never a local key file', () => {
    for (const s of [dev, prod]) {
      const [keyId] = stackKey(s);
      for (const variables of handlerVariables(s)) {
        expect(variables.DATA_KMS_KEY_ID).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
        expect(variables.VERITY_LOCAL_DATA_KEY_FILE).toBeUndefined();
      }
    }
  });

  it('fixes the site URL of mailed links only when a custom domain is set', () => {
    for (const variables of handlerVariables(prod))
      expect(variables.VERITY_SITE_URL).toBe('https://id.example.gov');
    // Without a domain, handlers take the host from X-Forwarded-Host (see CloudFront below).
    for (const variables of handlerVariables(dev)) expect(variables.VERITY_SITE_URL).toBeUndefined();
  });

  it('writes each handler to its own log group, with retention, encrypted with the stack key', () => {
    const [keyId] = onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');
    const logGroups = resourcesOf(dev.mainTemplate, 'AWS::Logs::LogGroup');
    const used = new Set<string>();
    for (const id of functionIdsByHandler(dev.mainTemplate).values()) {
      const fn = resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id] as Cfn;
      const logGroupId: string = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(used.has(logGroupId)).toBe(false);
      used.add(logGroupId);
      expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(30);
      expect(logGroups[logGroupId]?.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
  });

  it('keeps every log group for a set time: a month in dev, a year outside dev', () => {
    for (const logGroup of Object.values(resourcesOf(dev.mainTemplate, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
    for (const logGroup of Object.values(resourcesOf(prod.mainTemplate, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(365);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('least privilege', () => {
  it('grants each shipped handler exactly the tables, mail and pepper its manifest entry lists', () => {
    expectGrantsToMatch(dev, handlers);
  });

  describe('a handler that reads one table, writes another and sends mail', () => {
    let granting: Synthesized;
    beforeAll(() => {
      granting = synthesize({ manifest: grantingManifest });
    });
    afterAll(() => granting?.dispose());

    /** Statements of the granting handler's role that name this table. */
    const statementsOn = (logicalIdPrefix: string) => {
      const [tableId] = onlyResource(granting.mainTemplate, 'AWS::DynamoDB::Table', logicalIdPrefix);
      const id = functionIdsByHandler(granting.mainTemplate).get('granting') as string;
      return statementsOfFunction(granting.mainTemplate, id).filter((s) =>
        resourceIdsOf(s).includes(tableId),
      );
    };

    it('grants every handler exactly the tables and mail its manifest entry lists', () => {
      expectGrantsToMatch(granting, grantingManifest.handlers);
    });

    it('may write the ephemeral table and its indexes', () => {
      const actions = statementsOn('TablesEphemeral').flatMap(actionsOf);
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem']),
      );
    });

    it('may only read the partners table', () => {
      const actions = statementsOn('TablesPartners').flatMap(actionsOf);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(actions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    });

    it('has no access to the tables it does not list', () => {
      expect(statementsOn('TablesAccounts')).toEqual([]);
      expect(statementsOn('TablesLinks')).toEqual([]);
    });

    it('hands mail only to the mail queue: no SES, the stack key only through SQS for that queue', () => {
      const id = functionIdsByHandler(granting.mainTemplate).get('granting') as string;
      const statements = statementsOfFunction(granting.mainTemplate, id);
      expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('ses:'))).toEqual([]);
      const { queue } = mailQueueIds(granting.mainTemplate);
      const [keyId] = stackKey(granting);
      const send = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
      expect(send.map((st) => [st.Sid, actionsOf(st), resourceIdsOf(st)])).toEqual([
        [SEND_MAIL_SID, ['sqs:SendMessage'], [queue]],
      ]);
      const key = statements.find((st) => st.Sid === OUTBOX_KEY_SID) as PolicyStatement;
      expect(actionsOf(key).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(resourceIdsOf(key)).toEqual([keyId]);
      expect(key.Condition?.StringEquals?.['kms:EncryptionContext:aws:sqs:arn']).toEqual({
        'Fn::GetAtt': [queue, 'Arn'],
      });
      expect(JSON.stringify(key.Condition?.StringEquals?.['kms:ViaService'])).toContain('sqs.');
    });
  });
});

describe('password pepper', () => {
  it('is an HMAC-SHA-256 key that can only make and check MACs', () => {
    for (const s of [dev, prod]) {
      expect(pepperKey(s)[1].Properties).toMatchObject({
        KeySpec: 'HMAC_256',
        KeyUsage: 'GENERATE_VERIFY_MAC',
      });
    }
  });

  it('has no rotation setting: KMS cannot rotate HMAC keys automatically', () => {
    // KMS refuses EnableKeyRotation on an HMAC key; cdk-nag's KMS5 asks it of
    // symmetric encryption keys only (docs/deploy.md, acknowledgements).
    expect(pepperKey(dev)[1].Properties.EnableKeyRotation).toBeUndefined();
    expect(pepperKey(dev)[1].Metadata?.cdk_nag).toBeUndefined();
  });

  it('is kept outside dev: losing it makes every stored password unusable', () => {
    expect(pepperKey(dev)[1].DeletionPolicy).toBe('Delete');
    expect(pepperKey(prod)[1].DeletionPolicy).toBe('Retain');
    expect(pepperKey(prod)[1].UpdateReplacePolicy).toBe('Retain');
  });

  it.each(Object.keys(handlers))(
    '%s may call kms:GenerateMac on it exactly when it usesPepper',
    (handler) => {
      const [pepperId] = pepperKey(dev);
      const id = functionIdsByHandler(dev.mainTemplate).get(handler) as string;
      const onPepper = statementsOfFunction(dev.mainTemplate, id).filter((s) =>
        resourceIdsOf(s).includes(pepperId),
      );
      const usesPepper = (handlers as Record<string, HandlerDefinition>)[handler]?.usesPepper === true;
      expect(onPepper.flatMap(actionsOf)).toEqual(usesPepper ? ['kms:GenerateMac'] : []);
    },
  );

  it('is reachable by no other role, and its key policy names only the account', () => {
    const [pepperId, key] = pepperKey(dev);
    const functions = functionIdsByHandler(dev.mainTemplate);
    const pepperRoles = Object.entries(handlers)
      .filter(([, definition]) => (definition as HandlerDefinition).usesPepper)
      .map(([name]) => roleIdOf(dev, functions.get(name) as string));
    expect(pepperRoles.length).toBeGreaterThan(0);
    const rolesReachingIt = Object.values(resourcesOf(dev.mainTemplate, 'AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties.PolicyDocument.Statement as PolicyStatement[]).some((st) =>
          resourceIdsOf(st).includes(pepperId),
        ),
      )
      .flatMap((policy) => (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));
    expect(rolesReachingIt.sort()).toEqual(pepperRoles.sort());
    // No MAC permission anywhere but on the pepper key itself.
    const macStatements = Object.values(resourcesOf(dev.mainTemplate, 'AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[])
      .filter((st) => actionsOf(st).some((a) => /^kms:(GenerateMac|VerifyMac|\*)$/.test(a)));
    for (const st of macStatements) expect(resourceIdsOf(st)).toEqual([pepperId]);
    // The key policy delegates to IAM in this account (the CDK default); no service or other account.
    const principals = (key.Properties.KeyPolicy.Statement as Cfn[]).map((st) => st.Principal);
    expect(principals).toHaveLength(1);
    expect(Object.keys(principals[0])).toEqual(['AWS']);
    expect(JSON.stringify(principals[0])).toMatch(/:iam::.*"AWS::AccountId".*:root/);
  });
});

describe('field encryption', () => {
  const flagged = Object.entries(handlers as Record<string, HandlerDefinition>)
    .filter(([, definition]) => definition.encryptsFields === true)
    .map(([name]) => name);

  it('wraps data keys with the stack key: a symmetric encryption key that rotates', () => {
    for (const s of [dev, prod]) {
      const [, key] = stackKey(s);
      expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
      expect(key.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
      expect(key.Properties.EnableKeyRotation).toBe(true);
    }
  });

  it.each(Object.keys(handlers))(
    '%s may get and unwrap data keys of the stack key exactly when it encryptsFields',
    (handler) => {
      const [keyId] = stackKey(dev);
      const id = functionIdsByHandler(dev.mainTemplate).get(handler) as string;
      const granted = fieldEncryptionStatements(statementsOfFunction(dev.mainTemplate, id));
      if (!flagged.includes(handler)) {
        expect(granted).toEqual([]);
        return;
      }
      expect(granted).toHaveLength(1);
      const [statement] = granted as [PolicyStatement];
      expect(actionsOf(statement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      // Exactly the keys `account` and `field` (ForAllValues), and both present (Null false):
      // what lambdas/keys/field-encryption.ts sends with every request.
      expect(statement.Condition).toEqual({
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['account', 'field'] },
        Null: { 'kms:EncryptionContext:account': 'false', 'kms:EncryptionContext:field': 'false' },
      });
    },
  );

  it('is granted to no role but those of the handlers and workers that encryptsFields', () => {
    expect(flagged.length).toBeGreaterThan(0);
    const flaggedWorkers = Object.entries(workers as Record<string, WorkerDefinition>)
      .filter(([, worker]) => worker.encryptsFields === true)
      .map(([name]) => name);
    const workerFunctions = functionIdsByWorker(dev.mainTemplate);
    const functions = functionIdsByHandler(dev.mainTemplate);
    const rolesReachingIt = Object.values(resourcesOf(dev.mainTemplate, 'AWS::IAM::Policy'))
      .filter(
        (policy) =>
          fieldEncryptionStatements(policy.Properties.PolicyDocument.Statement as PolicyStatement[]).length >
          0,
      )
      .flatMap((policy) => (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));
    expect(rolesReachingIt.sort()).toEqual(
      [
        ...flagged.map((name) => roleIdOf(dev, functions.get(name) as string)),
        ...flaggedWorkers.map((name) => roleIdOf(dev, workerFunctions.get(name) as string)),
      ].sort(),
    );
  });
});

describe('data', () => {
  it('keeps every table on demand, with point-in-time recovery, encrypted with the stack key', () => {
    const [keyId] = onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');
    const found = resourcesOf(dev.mainTemplate, 'AWS::DynamoDB::Table');
    expect(Object.keys(found)).toHaveLength(tables.length);
    for (const table of Object.values(found)) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
      });
    }
  });

  it('expires ephemeral items through TTL on expiresAt', () => {
    dev.mainTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('lets dev tables be deleted and protects them with RETAIN and deletion protection outside dev', () => {
    for (const table of Object.values(resourcesOf(dev.mainTemplate, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    }
    for (const table of Object.values(resourcesOf(prod.mainTemplate, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('rotates the stack key every year and keeps it outside dev', () => {
    dev.mainTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const [, key] = onlyResource(prod.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('lets CloudWatch Logs use the key only for log groups of this account and region', () => {
    const [, key] = onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');
    const logs = key.Properties.KeyPolicy.Statement.find(
      (s: Cfn) => s.Sid === 'AllowCloudWatchLogsOfThisAccount',
    );
    expect(logs.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(JSON.stringify(logs.Condition.ArnLike)).toContain(':log-group:*');
  });
});

describe('verification evidence bucket', () => {
  const evidence = () => onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket')[1];

  it('deletes evidence after 7 days and keeps no older versions', () => {
    expect(EVIDENCE_EXPIRY.toDays()).toBe(7);
    const { Properties } = evidence();
    expect(Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' }),
    );
    expect(Properties.VersioningConfiguration).toBeUndefined();
  });

  it('blocks public access, encrypts with the stack key and logs access', () => {
    const [keyId] = onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');
    const [logBucketId] = onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'AccessLogsBucket');
    expect(evidence().Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
    });
  });

  it('refuses requests that do not use TLS', () => {
    const [evidenceId] = onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket');
    dev.mainTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: evidenceId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('edge', () => {
  it('puts the WAF web ACL in us-east-1, scoped to CloudFront', () => {
    expect(dev.edge.region).toBe(EDGE_REGION);
    expect(prod.edge.region).toBe(EDGE_REGION);
    expect(prod.main.region).toBe('eu-west-1');
    dev.edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
  });

  it('blocks an IP that sends more than the rate limit in five minutes', () => {
    dev.edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              Limit: RATE_LIMIT.limit,
              EvaluationWindowSec: 300,
              AggregateKeyType: 'IP',
            },
          },
        }),
      ]),
    });
  });

  it('applies the AWS managed common rule set', () => {
    dev.edgeTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
        }),
      ]),
    });
  });

  it('attaches the web ACL to the distribution, across regions too', () => {
    const [aclId] = onlyResource(prod.edgeTemplate, 'AWS::WAFv2::WebACL');
    const [, distribution] = onlyResource(prod.mainTemplate, 'AWS::CloudFront::Distribution');
    const reference = distribution.Properties.DistributionConfig.WebACLId['Fn::GetStackOutput'];
    expect(reference).toMatchObject({ StackName: prod.edge.stackName, Region: EDGE_REGION });
    const output = prod.edgeTemplate.toJSON().Outputs[reference.OutputName];
    expect(output.Value).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });
});

describe('CloudFront', () => {
  const config = (s: Synthesized) =>
    onlyResource(s.mainTemplate, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;

  it('sends every path but /assets/* to the HTTP API, uncached, with all viewer headers but Host', () => {
    const { DefaultCacheBehavior, Origins } = config(dev);
    expect(DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    expect(DefaultCacheBehavior.AllowedMethods).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
    );
    const apiOrigin = Origins.find((o: Cfn) => o.Id === DefaultCacheBehavior.TargetOriginId);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(apiOrigin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('runs the X-Forwarded-Host function on viewer requests of the default behaviour only', () => {
    for (const s of [dev, prod]) {
      const [functionId, fn] = onlyResource(s.mainTemplate, 'AWS::CloudFront::Function');
      expect(fn.Properties).toMatchObject({
        Name: `verity-${s.config.stage}-${s.config.region}-forwarded-host`,
        AutoPublish: true,
        FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      });
      const { DefaultCacheBehavior, CacheBehaviors } = config(s);
      expect(DefaultCacheBehavior.FunctionAssociations).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
      ]);
      // Assets come from S3, which neither needs nor should pay for it.
      for (const behavior of CacheBehaviors) expect(behavior.FunctionAssociations).toBeUndefined();
      // The function's header is a viewer header by the time the origin request policy applies,
      // so "all viewer headers except Host" forwards it.
      expect(DefaultCacheBehavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    }
  });

  it("sets X-Forwarded-Host to the viewer's Host, replacing one the viewer sent", () => {
    const handler = viewerRequestFunction(dev);
    const request = handler({
      request: {
        method: 'POST',
        uri: '/create-account',
        headers: {
          host: { value: 'd111111abcdef8.cloudfront.net' },
          'x-forwarded-host': { value: 'attacker.example' },
          cookie: { value: 'a=b' },
        },
      },
    });
    expect(request.headers).toEqual({
      host: { value: 'd111111abcdef8.cloudfront.net' },
      [FORWARDED_HOST_HEADER]: { value: 'd111111abcdef8.cloudfront.net' },
      cookie: { value: 'a=b' },
    });
    expect(request.uri).toBe('/create-account');
    // Without a Host (never seen in practice), the viewer's own value does not survive either.
    const bare = handler({ request: { headers: { 'x-forwarded-host': { value: 'attacker.example' } } } });
    expect(bare.headers).toEqual({});
  });

  it('gives the handlers the public host for their links, not the API endpoint', () => {
    const forwarded = viewerRequestFunction(dev)({
      request: { headers: { host: { value: 'd111111abcdef8.cloudfront.net' } } },
    });
    // What API Gateway hands the Lambda: lower-case header names, its own domain name.
    const headers = Object.fromEntries(
      Object.entries(forwarded.headers as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
    );
    headers.host = 'abc123.execute-api.us-east-1.amazonaws.com';
    const request = {
      headers,
      event: { requestContext: { domainName: headers.host, http: { sourceIp: '192.0.2.1' } } },
    } as unknown as HttpRequest<unknown>;
    const saved = process.env.VERITY_SITE_URL;
    delete process.env.VERITY_SITE_URL;
    try {
      expect(requestContext(request).siteUrl).toBe('https://d111111abcdef8.cloudfront.net');
    } finally {
      if (saved !== undefined) process.env.VERITY_SITE_URL = saved;
    }
  });

  it('serves /assets/* from the private bucket through Origin Access Control', () => {
    const { CacheBehaviors, Origins } = config(dev);
    const assets = CacheBehaviors.find((b: Cfn) => b.PathPattern === '/assets/*');
    const origin = Origins.find((o: Cfn) => o.Id === assets.TargetOriginId);
    const [assetsBucketId] = onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'SiteAssets');
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [assetsBucketId, 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(assets.AllowedMethods).toEqual(['GET', 'HEAD']);
  });

  it('uploads each asset mount under its URL prefix', () => {
    const prefixes = Object.values(resourcesOf(dev.mainTemplate, 'Custom::CDKBucketDeployment')).map(
      (d) => d.Properties.DestinationBucketKeyPrefix,
    );
    expect(prefixes.sort()).toEqual(['assets/simplewebauthn/', 'assets/uswds/', 'assets/verity/']);
  });

  it('logs viewer requests to the log bucket', () => {
    const [logBucketId] = onlyResource(dev.mainTemplate, 'AWS::S3::Bucket', 'AccessLogsBucket');
    expect(config(dev).Logging.Bucket).toEqual({ 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] });
  });

  it('serves a custom domain with its us-east-1 certificate and TLS 1.2 at least', () => {
    expect(config(prod).Aliases).toEqual(['id.example.gov']);
    expect(config(prod).ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
      AcmCertificateArn: { 'Fn::GetStackOutput': expect.objectContaining({ Region: EDGE_REGION }) },
    });
    prod.edgeTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'id.example.gov',
      ValidationMethod: 'DNS',
    });
    expect(config(dev).Aliases).toBeUndefined();
    expect(Object.keys(resourcesOf(dev.edgeTemplate, 'AWS::CertificateManager::Certificate'))).toEqual([]);
  });
});

describe('HTTP API', () => {
  it('logs every request as JSON and throttles callers that skip CloudFront', () => {
    const [, stage] = onlyResource(dev.mainTemplate, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
    });
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
  });

  it('checks workforce tokens against the workforce pool and its app client', () => {
    const [poolId] = onlyResource(dev.mainTemplate, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResource(dev.mainTemplate, 'AWS::Cognito::UserPoolClient');
    const [, authorizer] = onlyResource(dev.mainTemplate, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: clientId }] },
    });
    expect(authorizer.Properties.JwtConfiguration.Issuer).toEqual({
      'Fn::Join': ['', ['https://cognito-idp.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: poolId }]],
    });
  });
});

describe('workforce pool', () => {
  const pool = (s: Synthesized) => onlyResource(s.mainTemplate, 'AWS::Cognito::UserPool')[1];

  it('requires TOTP on every sign-in and offers no SMS', () => {
    expect(pool(dev).Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('creates accounts only through an administrator', () => {
    expect(pool(dev).Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('asks for 12 characters and no composition rules', () => {
    expect(pool(dev).Properties.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: workforcePool.passwordPolicy.minLength,
      RequireLowercase: false,
      RequireUppercase: false,
      RequireNumbers: false,
      RequireSymbols: false,
    });
  });

  it('recovers accounts by email only', () => {
    expect(pool(dev).Properties.AccountRecoverySetting.RecoveryMechanisms).toEqual([
      { Name: 'verified_email', Priority: 1 },
    ]);
  });

  it('has the agents and partner-admins groups', () => {
    const groups = Object.values(resourcesOf(dev.mainTemplate, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(workforcePool.groups.map((g) => g.name).sort());
  });

  it('has a public password-and-SRP client whose access tokens live as long as the manifest says', () => {
    const [, client] = onlyResource(dev.mainTemplate, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AccessTokenValidity: workforcePool.accessTokenMinutes,
      RefreshTokenValidity: workforcePool.refreshTokenHours * 60,
      TokenValidityUnits: { AccessToken: 'minutes', RefreshToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
    });
    // Password: the hosted workforce sign-in pages, which then ask for the pool's required TOTP.
    expect(client.Properties.ExplicitAuthFlows.sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
  });

  it('is protected from deletion outside dev', () => {
    expect(pool(dev).Properties.DeletionProtection).toBe('INACTIVE');
    expect(pool(prod).Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool(prod).DeletionPolicy).toBe('Retain');
  });
});

describe('mail', () => {
  it('verifies the sender domain in SES by default, and only the address when asked', () => {
    dev.mainTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'verity.example' });
    prod.mainTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'no-reply@verity.example',
    });
  });

  it('requires TLS to the receiving mail server', () => {
    dev.mainTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
  });
});

describe('outputs', () => {
  it('tells the operator the site, the API, the workforce pool and every table', () => {
    const outputs = Object.keys(dev.mainTemplate.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'SiteUrl',
        'ApiUrl',
        'WorkforceUserPoolId',
        'WorkforceClientId',
        ...tables.map((t) => `Table${t.name[0]?.toUpperCase()}${t.name.slice(1)}`),
      ]),
    );
    expect(prod.mainTemplate.toJSON().Outputs.SiteUrl.Value).toBe('https://id.example.gov');
  });

  it('tags every handler function with its manifest name', () => {
    const tagged = Object.values(resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function'))
      .map((fn) => tagsOf(fn)[HANDLER_TAG])
      .filter(Boolean);
    expect(tagged.sort()).toEqual(Object.keys(handlers).sort());
  });
});

/**
 * Per handler: the tables its role reaches are its manifest tables, the mail queue iff sendsMail
 * and SES never (the mail-sender worker sends: test/infra/mail-queue.test.ts),
 * kms:GenerateMac on the pepper iff usesPepper, the field-encryption statement iff
 * encryptsFields, the End User Messaging send actions iff sendsTexts (test/infra/texts.test.ts
 * holds that statement to its two actions), S3 iff usesEvidence or checksIdentity, Textract and
 * Rekognition iff checksIdentity, Chime iff holdsCalls (test/infra/verification.test.ts), nothing else.
 */
function expectGrantsToMatch(s: Synthesized, definitions: Readonly<Record<string, HandlerDefinition>>): void {
  const functions = functionIdsByHandler(s.mainTemplate);
  expect([...functions.keys()].sort()).toEqual(Object.keys(definitions).sort());
  for (const [handler, id] of functions) {
    const definition = definitions[handler] as HandlerDefinition;
    const statements = statementsOfFunction(s.mainTemplate, id);
    const tableIds = tableIdsByEnvVar(s.mainTemplate, id);
    const expectedTables = Object.keys(definition.tables).map(
      (name) => tableIds.get(tableDefinition(name as TableName).envVar) as string,
    );
    const reachedTables = statements
      .filter((statement) => actionsOf(statement).some((a) => a.startsWith('dynamodb:')))
      .flatMap(resourceIdsOf);
    expect(new Set(reachedTables), handler).toEqual(new Set(expectedTables));
    expect(
      statements.flatMap(actionsOf).filter((a) => a.startsWith('ses:')),
      handler,
    ).toEqual([]);
    const handsMail = statements.some((statement) => statement.Sid === SEND_MAIL_SID);
    expect(handsMail, handler).toBe(definition.sendsMail === true);
    expect(
      statements.some((statement) => statement.Sid === OUTBOX_KEY_SID),
      handler,
    ).toBe(handsMail);
    const [pepperId] = pepperKey(s);
    const pepperActions = statements.filter((st) => resourceIdsOf(st).includes(pepperId)).flatMap(actionsOf);
    expect(pepperActions, handler).toEqual(definition.usesPepper ? ['kms:GenerateMac'] : []);
    expect(fieldEncryptionStatements(statements).length, handler).toBe(definition.encryptsFields ? 1 : 0);
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0] as string));
    expect(services.has('sms-voice'), handler).toBe(definition.sendsTexts === true);
    // test/infra/verification.test.ts holds these to their actions and resources.
    const readsEvidence = definition.usesEvidence === true || definition.checksIdentity === true;
    expect(services.has('s3'), handler).toBe(readsEvidence);
    expect(services.has('textract'), handler).toBe(definition.checksIdentity === true);
    expect(services.has('rekognition'), handler).toBe(definition.checksIdentity === true);
    expect(services.has('chime'), handler).toBe(definition.holdsCalls === true);
    const expected = [
      'logs',
      'dynamodb',
      'kms',
      'sqs',
      'sms-voice',
      's3',
      'textract',
      'rekognition',
      'chime',
    ];
    expect(
      [...services].filter((service) => !expected.includes(service)),
      handler,
    ).toEqual([]);
  }
}

const handlerVariables = (s: Synthesized): Record<string, Cfn>[] =>
  [...functionIdsByHandler(s.mainTemplate).values()].map(
    (id) =>
      (resourcesOf(s.mainTemplate, 'AWS::Lambda::Function')[id] as Cfn).Properties.Environment.Variables,
  );

const pepperKey = (s: Synthesized): [string, Cfn] =>
  onlyResource(s.mainTemplate, 'AWS::KMS::Key', 'PepperKey');

const stackKey = (s: Synthesized): [string, Cfn] =>
  onlyResource(s.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey');

/**
 * Statements on the stack key held elsewhere to one service and resource: the mail outbox's to
 * SQS and the mail queue (mail-queue.test.ts), the evidence's to S3 and the evidence bucket
 * (verification.test.ts).
 */
const OUTBOX_KEY_SIDS: readonly (string | undefined)[] = [
  OUTBOX_KEY_SID,
  OUTBOX_DECRYPT_SID,
  EVIDENCE_KEY_SID,
];

/**
 * Statements that would let a role use a KMS key for field encryption: the named statement, or
 * any asking for the exact (not wildcard) actions or the context condition of it. The table
 * grants' `kms:GenerateDataKey*` on the stack key are not among them, nor the mail outbox's and
 * the evidence's.
 */
function fieldEncryptionStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter(
    (st) =>
      st.Sid === FIELD_ENCRYPTION_SID ||
      (!OUTBOX_KEY_SIDS.includes(st.Sid) &&
        (actionsOf(st).includes('kms:GenerateDataKey') ||
          JSON.stringify(st.Condition ?? {}).includes('kms:EncryptionContext'))),
  );
}

function roleIdOf(s: Synthesized, functionId: string): string {
  return (resourcesOf(s.mainTemplate, 'AWS::Lambda::Function')[functionId] as Cfn).Properties.Role[
    'Fn::GetAtt'
  ][0];
}

/** The distribution's viewer-request function, as CloudFront would run it: its source from the template. */
function viewerRequestFunction(s: Synthesized): (event: Cfn) => Cfn {
  const [, fn] = onlyResource(s.mainTemplate, 'AWS::CloudFront::Function');
  return runInNewContext(`${fn.Properties.FunctionCode}\nhandler;`, {}) as (event: Cfn) => Cfn;
}
