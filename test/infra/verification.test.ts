/**
 * Identity verification in the cloud. The manifest flags say who may touch evidence
 * (`usesEvidence`, `checksIdentity`), who may call Textract and Rekognition (`checksIdentity`) and
 * who may hold video calls (`holdsCalls`); these tests hold the roles to them: `attempts/*` of
 * the evidence bucket and nothing else of it, the stack key only through S3 for that bucket, the
 * three identity-check actions, the three meeting actions. And the settings: the cloud vendors
 * by default, the sandbox only on the dev stage and only when asked, the workforce pool's
 * issuer and client in every handler.
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasons } from '../../lib/cloud/acknowledge.ts';
import { buildVerityApp, PROJECT_ROOT } from '../../lib/cloud/app.ts';
import { readConfig } from '../../lib/cloud/config.ts';
import {
  CHECK_IDENTITY_SID,
  EVIDENCE_KEY_SID,
  EVIDENCE_OBJECTS_SID,
  EVIDENCE_PREFIX,
  HOLD_CALLS_SID,
} from '../../lib/cloud/handler-functions.ts';
import { type VerityManifest, verityManifest } from '../../lib/cloud/manifest.ts';
import { type HandlerDefinition, handlers } from '../../lib/routes.ts';
import {
  type Cfn,
  cdkJsonContext,
  onlyResource,
  resourcesOf,
  type Synthesized,
  synthesize,
} from './synth.ts';
import {
  actionsOf,
  functionIdsByHandler,
  type PolicyStatement,
  resourceIdsOf,
  statementsOfFunction,
} from './template-queries.ts';

const CHECK_ACTIONS = ['rekognition:CompareFaces', 'rekognition:DetectFaces', 'textract:AnalyzeID'];
const CALL_ACTIONS = ['chime:CreateAttendee', 'chime:CreateMeeting', 'chime:DeleteMeeting'];

const definitions = handlers as Readonly<Record<string, HandlerDefinition>>;
const flagged = (flag: 'usesEvidence' | 'checksIdentity' | 'holdsCalls', table = definitions) =>
  Object.entries(table)
    .filter(([, definition]) => definition[flag] === true)
    .map(([name]) => name);

/** The flags on handlers of their own: one that only has identity checked, one that only holds calls. */
const movedFlagsManifest: VerityManifest = {
  ...verityManifest,
  handlers: {
    ...verityManifest.handlers,
    checking: {
      entry: 'lambdas/handlers/health/handler.ts',
      description: 'Test double: a handler that checks identity and nothing else',
      audience: 'people',
      tables: {},
      checksIdentity: true,
    } satisfies HandlerDefinition,
    calling: {
      entry: 'lambdas/handlers/health/handler.ts',
      description: 'Test double: a handler that holds video calls and nothing else',
      audience: 'people',
      tables: {},
      holdsCalls: true,
    } satisfies HandlerDefinition,
  },
  routes: [
    ...verityManifest.routes,
    { method: 'POST', path: '/checking', handler: 'checking', access: { kind: 'member', level: 'aal2' } },
    { method: 'POST', path: '/calling', handler: 'calling', access: { kind: 'member', level: 'aal2' } },
  ],
};

let shipped: Synthesized;
let moved: Synthesized;
let sandbox: Synthesized;

beforeAll(() => {
  shipped = synthesize();
  moved = synthesize({ manifest: movedFlagsManifest });
  sandbox = synthesize({ context: { verificationVendors: 'sandbox', recordsVendor: 'sandbox' } });
});
afterAll(() => {
  for (const s of [shipped, moved, sandbox]) s?.dispose();
});

const evidenceBucketId = (s: Synthesized) =>
  onlyResource(s.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket')[0];
const stackKeyId = (s: Synthesized) => onlyResource(s.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey')[0];

function statementsOf(s: Synthesized, handler: string): PolicyStatement[] {
  const id = functionIdsByHandler(s.mainTemplate).get(handler);
  if (!id) throw new Error(`no function for ${handler}`);
  return statementsOfFunction(s.mainTemplate, id);
}

function roleOf(s: Synthesized, handler: string): string {
  const id = functionIdsByHandler(s.mainTemplate).get(handler) as string;
  return resourcesOf(s.mainTemplate, 'AWS::Lambda::Function')[id]?.Properties.Role['Fn::GetAtt'][0];
}

/** Every Allow statement of the stack's IAM policies, with the roles it is attached to. */
function allStatements(s: Synthesized): { roles: string[]; statement: PolicyStatement }[] {
  return Object.values(resourcesOf(s.mainTemplate, 'AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as PolicyStatement[])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({
        roles: (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
        statement,
      })),
  );
}

/** Roles whose policy acknowledges a finding with a reason. */
function rolesAcknowledging(s: Synthesized, ruleId: string, reason: string): string[] {
  return Object.values(resourcesOf(s.mainTemplate, 'AWS::IAM::Policy'))
    .filter((policy) =>
      ((policy.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Cfn[]).some(
        (rule) => rule.id === ruleId && rule.reason === reason,
      ),
    )
    .flatMap((policy) => (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref))
    .sort();
}

/** What a handler may do with evidence objects, by its flags. */
function evidenceActions(definition: HandlerDefinition): string[] {
  if (definition.usesEvidence) return ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'];
  if (definition.checksIdentity) return ['s3:GetObject'];
  return [];
}

function expectEvidenceGrantsToMatch(s: Synthesized, table: Readonly<Record<string, HandlerDefinition>>) {
  const bucketId = evidenceBucketId(s);
  for (const [name, definition] of Object.entries(table)) {
    const statements = statementsOf(s, name);
    const onBucket = statements.filter((st) => resourceIdsOf(st).includes(bucketId));
    const keyThroughS3 = statements.filter((st) => st.Sid === EVIDENCE_KEY_SID);
    const actions = evidenceActions(definition);
    if (actions.length === 0) {
      expect(onBucket, name).toEqual([]);
      expect(keyThroughS3, name).toEqual([]);
      continue;
    }
    // One statement, object actions only, on attempts/* only: no bucket ARN, no other prefix.
    expect(onBucket, name).toHaveLength(1);
    const [objects] = onBucket as [PolicyStatement];
    expect(objects.Sid, name).toBe(EVIDENCE_OBJECTS_SID);
    expect(actionsOf(objects).sort(), name).toEqual(actions);
    expect(objects.Resource, name).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${EVIDENCE_PREFIX}*`]],
    });
    expect(objects.Condition, name).toBeUndefined();
    // The stack key through S3 for this bucket: a data key to write, Decrypt to read.
    expect(keyThroughS3, name).toHaveLength(1);
    const [key] = keyThroughS3 as [PolicyStatement];
    expect(actionsOf(key).sort(), name).toEqual(
      definition.usesEvidence ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    );
    expect(key.Resource, name).toEqual({ 'Fn::GetAtt': [stackKeyId(s), 'Arn'] });
    const condition = key.Condition?.StringEquals ?? {};
    expect(Object.keys(key.Condition ?? {}), name).toEqual(['StringEquals']);
    expect(Object.keys(condition).sort(), name).toEqual([
      'kms:EncryptionContext:aws:s3:arn',
      'kms:ViaService',
    ]);
    expect(JSON.stringify(condition['kms:ViaService']), name).toMatch(/"s3\.us-east-1\."/);
    expect(condition['kms:EncryptionContext:aws:s3:arn'], name).toEqual({ 'Fn::GetAtt': [bucketId, 'Arn'] });
  }
}

describe('the evidence bucket', () => {
  it('is used by the verification and agents handlers', () => {
    expect(flagged('usesEvidence').sort()).toEqual(['agents', 'verification']);
    expect(flagged('checksIdentity')).toEqual(['verification']);
  });

  it('lets each handler reach attempts/* as its flags say, through S3 with the stack key, and nothing else of it', () => {
    expectEvidenceGrantsToMatch(shipped, definitions);
  });

  it('follows the flags: checksIdentity alone reads attempts/* (Textract and Rekognition read as the caller)', () => {
    expectEvidenceGrantsToMatch(moved, movedFlagsManifest.handlers);
    expect(evidenceActions(movedFlagsManifest.handlers.checking as HandlerDefinition)).toEqual([
      's3:GetObject',
    ]);
    expect(
      statementsOf(moved, 'calling')
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:')),
    ).toEqual([]);
  });

  it('is reached by no role of the stack but those of the flagged handlers', () => {
    const bucketId = evidenceBucketId(shipped);
    const reaching = allStatements(shipped)
      .filter(({ statement }) => resourceIdsOf(statement).includes(bucketId))
      .flatMap(({ roles }) => roles);
    const evidenceUsers = [...new Set([...flagged('usesEvidence'), ...flagged('checksIdentity')])];
    expect([...new Set(reaching)].sort()).toEqual(evidenceUsers.map((name) => roleOf(shipped, name)).sort());
  });

  it('acknowledges the attempts/* finding on exactly those roles, with the reason', () => {
    const bucket = resourcesOf(shipped.mainTemplate, 'AWS::S3::Bucket');
    expect(Object.keys(bucket)).toContain(evidenceBucketId(shipped));
    const finding = `AwsSolutions-IAM5[Resource::<${evidenceBucketId(shipped)}.Arn>/${EVIDENCE_PREFIX}*]`;
    expect(rolesAcknowledging(shipped, finding, reasons.evidenceAttemptObjects)).toEqual(
      ['agents', 'verification'].map((name) => roleOf(shipped, name)).sort(),
    );
  });

  it('encrypts with a bucket key, the encryption context S3 then sends being the bucket ARN', () => {
    const [, bucket] = onlyResource(shipped.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      expect.objectContaining({ BucketKeyEnabled: true }),
    ]);
  });

  it('has no CORS rule and blocks public access: uploads are signed form POSTs, not scripts', () => {
    // A presigned POST is a signed request, not public access, and S3 answers it with a 303 to
    // Verity (success_action_redirect); no JavaScript reads a cross-origin answer.
    const [, bucket] = onlyResource(shipped.mainTemplate, 'AWS::S3::Bucket', 'EvidenceBucket');
    expect(bucket.Properties.CorsConfiguration).toBeUndefined();
    expect(Object.values(bucket.Properties.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
  });
});

describe('document and selfie checks', () => {
  /** Statements of a handler's role that name a Textract or Rekognition action. */
  const checkStatements = (s: Synthesized, handler: string) =>
    statementsOf(s, handler).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('textract:') || a.startsWith('rekognition:')),
    );

  function expectCheckGrantsToMatch(s: Synthesized, table: Readonly<Record<string, HandlerDefinition>>) {
    for (const [name, definition] of Object.entries(table)) {
      const statements = checkStatements(s, name);
      if (definition.checksIdentity !== true) {
        expect(statements, name).toEqual([]);
        continue;
      }
      expect(statements, name).toHaveLength(1);
      const [statement] = statements as [PolicyStatement];
      expect(statement.Sid).toBe(CHECK_IDENTITY_SID);
      expect(actionsOf(statement).sort()).toEqual(CHECK_ACTIONS);
      expect(statement.Resource).toBe('*');
    }
  }

  it('may be called by the verification handler only: AnalyzeID, DetectFaces and CompareFaces', () => {
    expectCheckGrantsToMatch(shipped, definitions);
    const all = allStatements(shipped).filter(({ statement }) =>
      actionsOf(statement).some((a) => /^(textract|rekognition):/.test(a) || a === '*'),
    );
    expect(all.flatMap(({ statement }) => actionsOf(statement)).sort()).toEqual(CHECK_ACTIONS);
    expect(all.flatMap(({ roles }) => roles)).toEqual([roleOf(shipped, 'verification')]);
  });

  it('follows the flag, not the handler', () => {
    expectCheckGrantsToMatch(moved, movedFlagsManifest.handlers);
  });

  it('acknowledges its Resource::* finding on the flagged roles only, with the reason', () => {
    expect(
      rolesAcknowledging(shipped, 'AwsSolutions-IAM5[Resource::*]', reasons.identityChecksAnyResource),
    ).toEqual(flagged('checksIdentity').map((name) => roleOf(shipped, name)));
  });
});

describe('video calls', () => {
  const callStatements = (s: Synthesized, handler: string) =>
    statementsOf(s, handler).filter((st) => actionsOf(st).some((a) => a.startsWith('chime:')));

  function expectCallGrantsToMatch(s: Synthesized, table: Readonly<Record<string, HandlerDefinition>>) {
    for (const [name, definition] of Object.entries(table)) {
      const statements = callStatements(s, name);
      if (definition.holdsCalls !== true) {
        expect(statements, name).toEqual([]);
        continue;
      }
      expect(statements, name).toHaveLength(1);
      const [statement] = statements as [PolicyStatement];
      expect(statement.Sid).toBe(HOLD_CALLS_SID);
      expect(actionsOf(statement).sort()).toEqual(CALL_ACTIONS);
      expect(statement.Resource).toBe('*');
    }
  }

  it('may be held by the agents handler only: create a meeting, add attendees, delete it', () => {
    expect(flagged('holdsCalls')).toEqual(['agents']);
    expectCallGrantsToMatch(shipped, definitions);
    const all = allStatements(shipped).filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('chime:')),
    );
    expect(all.flatMap(({ statement }) => actionsOf(statement)).sort()).toEqual(CALL_ACTIONS);
    expect(all.flatMap(({ roles }) => roles)).toEqual([roleOf(shipped, 'agents')]);
  });

  it('follows the flag, not the handler', () => {
    expectCallGrantsToMatch(moved, movedFlagsManifest.handlers);
  });

  it('acknowledges its Resource::* finding on the flagged roles only, with the reason', () => {
    expect(rolesAcknowledging(shipped, 'AwsSolutions-IAM5[Resource::*]', reasons.videoCallMeetings)).toEqual(
      flagged('holdsCalls').map((name) => roleOf(shipped, name)),
    );
  });
});

describe('the workforce sign-in of the agent console', () => {
  it('needs no IAM: InitiateAuth and RespondToAuthChallenge are unauthenticated Cognito APIs', () => {
    const cognito = allStatements(shipped).filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('cognito-idp:')),
    );
    expect(cognito).toEqual([]);
  });

  it('may sign in with a password, and the pool still requires TOTP on every sign-in', () => {
    const [, client] = onlyResource(shipped.mainTemplate, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.ExplicitAuthFlows).toContain('ALLOW_USER_PASSWORD_AUTH');
    const [, pool] = onlyResource(shipped.mainTemplate, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });
});

describe('the vendor settings', () => {
  const variables = (s: Synthesized) =>
    [...functionIdsByHandler(s.mainTemplate).values()].map(
      (id) =>
        resourcesOf(s.mainTemplate, 'AWS::Lambda::Function')[id]?.Properties.Environment.Variables as Record<
          string,
          unknown
        >,
    );

  it('run the cloud vendors by default, with no records vendor: none is built in', () => {
    for (const env of variables(shipped)) {
      expect(env.VERITY_VERIFICATION_VENDORS).toBe('aws');
      expect(env).not.toHaveProperty('VERITY_RECORDS_VENDOR');
    }
  });

  it('let the dev stage run the sandbox, and accept its records check, when asked', () => {
    for (const env of variables(sandbox)) {
      expect(env.VERITY_VERIFICATION_VENDORS).toBe('sandbox');
      expect(env.VERITY_RECORDS_VENDOR).toBe('sandbox');
    }
  });

  const config = (context: Record<string, unknown>) =>
    readConfig(
      new App({ context: { ...cdkJsonContext, ...context } }).node,
      join(PROJECT_ROOT, 'package.json'),
    );

  it('read the cdk.json defaults as the cloud vendors and no records vendor', () => {
    expect(config({})).toMatchObject({ verificationVendors: 'aws', recordsVendor: undefined });
    expect(config({ recordsVendor: 'sandbox' }).recordsVendor).toBe('sandbox');
  });

  it('fail synthesis when a stage other than dev would check records or pictures with the sandbox', () => {
    expect(() => config({ stage: 'prod', recordsVendor: 'sandbox' })).toThrow(
      /"recordsVendor" is "sandbox" on stage "prod".*only the dev stage/,
    );
    expect(() => config({ stage: 'prod', verificationVendors: 'sandbox' })).toThrow(
      /"verificationVendors" is "sandbox" on stage "prod"/,
    );
    // What `cdk synth` runs (bin/app.ts): it stops before any stack is built.
    expect(() =>
      buildVerityApp({ context: { ...cdkJsonContext, stage: 'staging', recordsVendor: 'sandbox' } }),
    ).toThrow(/sandbox/);
    expect(config({ stage: 'prod' })).toMatchObject({ verificationVendors: 'aws', recordsVendor: undefined });
  });

  it('refuse values they do not know', () => {
    expect(() => config({ verificationVendors: 'acme' })).toThrow(
      /"verificationVendors" must be "aws" or "sandbox"/,
    );
    expect(() => config({ recordsVendor: 'acme' })).toThrow(/no built-in data broker/);
  });
});
