/**
 * The manifest says what each handler may reach (tables, mail, the pepper, field encryption, texts, evidence); the
 * stack turns that into IAM. Locally nothing checks IAM, so a handler whose code reaches DynamoDB, SQS, SES or KMS while
 * its manifest entry does not ask for it passes every local test and fails only when deployed.
 * These tests bundle each handler and worker as Lambda gets it and hold what is in the bundle to its entry.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/cloud/app.ts';
import { esbuildOptionsFor } from '../../lib/cloud/bundling.ts';
import { type HandlerDefinition, handlers, type WorkerDefinition, workers } from '../../lib/routes.ts';

/** The one module through which code reaches each kind of grant. */
const GATEWAYS = {
  tables: 'lambdas/store/dynamo.ts',
  /** The mail outbox: the mail queue (SQS) in the cloud. */
  mail: 'lambdas/mail/outbox.ts',
  /** SES itself: only the worker that delivers mail. */
  ses: 'lambdas/mail/ses.ts',
  pepper: 'lambdas/keys/pepper.ts',
  fieldCipher: 'lambdas/keys/field-encryption.ts',
  texts: 'lambdas/mfa/texts.ts',
  /** The evidence bucket (S3, presigned POST and GET). */
  evidence: 'lambdas/verification/vendors/s3-evidence.ts',
} as const;

/** The SDK clients of the cloud verification vendors: Textract, Rekognition, the Chime SDK. */
const VENDOR_CLIENTS = [
  'node_modules/@aws-sdk/client-textract/',
  'node_modules/@aws-sdk/client-rekognition/',
  'node_modules/@aws-sdk/client-chime-sdk-meetings/',
];

/** What checks a new password: the policy, the strength estimate, the blocklist and its data. */
const NEW_PASSWORD_CHECKS: readonly string[] = [
  'lambdas/accounts/password/policy.ts',
  'lambdas/accounts/password/strength.ts',
  'lambdas/accounts/password/blocklist.ts',
  'lambdas/generated/password-blocklist.ts',
];

/** Per handler: the project files that put code into its minified bundle (tree shaking counted). */
const bundled = new Map<string, Set<string>>();

beforeAll(async () => {
  await Promise.all(
    [...Object.entries(handlers), ...Object.entries(workers)].map(async ([name, { entry }]) => {
      const { metafile } = await build({
        ...esbuildOptionsFor(join(PROJECT_ROOT, entry)),
        absWorkingDir: PROJECT_ROOT,
        outfile: join(PROJECT_ROOT, 'cdk.out', 'grants-test', name, 'index.mjs'),
        write: false,
        metafile: true,
      });
      bundled.set(name, usedInputs(metafile));
    }),
  );
});

describe.each(Object.entries(handlers))('%s', (name, definition: HandlerDefinition) => {
  const reaches = (module: string) => bundled.get(name)?.has(module) === true;

  it('bundles the DynamoDB client exactly when its manifest entry grants a table', () => {
    expectTablesBundledAsGranted(name, definition.tables);
  });

  it('bundles the mail outbox exactly when its manifest entry says sendsMail, and SES never', () => {
    expect(reaches(GATEWAYS.mail), GATEWAYS.mail).toBe(definition.sendsMail === true);
    expect(reaches(GATEWAYS.ses), GATEWAYS.ses).toBe(false);
  });

  it('bundles the KMS pepper exactly when its manifest entry says usesPepper', () => {
    expect(reaches(GATEWAYS.pepper), GATEWAYS.pepper).toBe(definition.usesPepper === true);
  });

  it('bundles field encryption exactly when its manifest entry says encryptsFields', () => {
    expect(reaches(GATEWAYS.fieldCipher), GATEWAYS.fieldCipher).toBe(definition.encryptsFields === true);
  });

  it('bundles the End User Messaging sender exactly when its manifest entry says sendsTexts', () => {
    expect(reaches(GATEWAYS.texts), GATEWAYS.texts).toBe(definition.sendsTexts === true);
  });

  it('bundles the evidence store exactly when its manifest entry says usesEvidence or checksIdentity', () => {
    const granted = definition.usesEvidence === true || definition.checksIdentity === true;
    expect(reaches(GATEWAYS.evidence), GATEWAYS.evidence).toBe(granted);
  });

  it('bundles the Textract, Rekognition and Chime clients only when its entry lets it use evidence', () => {
    // Not per flag: lambdas/verification/vendors/from-environment.ts imports every cloud vendor
    // statically, so a handler that builds the vendors carries all three clients whichever it
    // calls. The roles are held per flag in test/infra/verification.test.ts.
    const clients = [...(bundled.get(name) ?? [])].filter((path) =>
      VENDOR_CLIENTS.some((client) => path.includes(client)),
    );
    if (definition.usesEvidence !== true && definition.checksIdentity !== true) expect(clients).toEqual([]);
  });
});

describe.each(Object.entries(workers))('worker %s', (name, worker: WorkerDefinition) => {
  const reaches = (module: string) => bundled.get(name)?.has(module) === true;

  it('bundles the SES mailer exactly when its manifest entry says deliversMail', () => {
    expect(reaches(GATEWAYS.ses), GATEWAYS.ses).toBe(worker.deliversMail === true);
  });

  it('bundles the DynamoDB client exactly when its manifest entry grants a table', () => {
    expectTablesBundledAsGranted(name, worker.tables ?? {});
  });

  it('bundles field encryption exactly when its manifest entry says encryptsFields', () => {
    expect(reaches(GATEWAYS.fieldCipher), GATEWAYS.fieldCipher).toBe(worker.encryptsFields === true);
  });

  it('bundles the mail outbox (to read its messages) exactly when the mail queue triggers it', () => {
    expect(reaches(GATEWAYS.mail), GATEWAYS.mail).toBe(worker.trigger === 'mail-queue');
  });

  it('bundles nothing a worker is never granted: no pepper or texts', () => {
    for (const gateway of [GATEWAYS.pepper, GATEWAYS.texts]) {
      expect(reaches(gateway), gateway).toBe(false);
    }
  });
});

/**
 * Which tables a store function uses is decided at run time; the parity and least-privilege
 * tests hold the grants to the entry, this one holds the entry to the code.
 */
function expectTablesBundledAsGranted(name: string, tables: Readonly<Record<string, unknown>>): void {
  const granted = Object.keys(tables).length > 0;
  expect(bundled.get(name)?.has(GATEWAYS.tables) === true, GATEWAYS.tables).toBe(granted);
  // Not even the SDK package, which esbuild keeps for its side effects when a module on the way
  // imports the store and the code that used it was shaken out (a shell handler once grew
  // from 67 to 272 KiB that way).
  const sdk = [...(bundled.get(name) ?? [])].some((path) =>
    path.includes('node_modules/@aws-sdk/client-dynamodb/'),
  );
  expect(sdk, '@aws-sdk/client-dynamodb').toBe(granted);
}

/**
 * The checks of a new password (zxcvbn's dictionaries and the breached-password blocklist, about
 * 2 MB) belong to the one handler that sets passwords; checking an existing password at sign-in
 * needs only scrypt and the pepper. Size, not IAM: a handler that starts importing the policy
 * again gains megabytes and a slower cold start, and no other test would notice.
 */
it('bundles the new-password checks in the passwords handler only', () => {
  const checks = (name: string) =>
    [...(bundled.get(name) ?? [])].filter(
      (path) => NEW_PASSWORD_CHECKS.includes(path) || path.includes('node_modules/@zxcvbn-ts/'),
    );
  expect(checks('passwords')).toEqual(expect.arrayContaining([...NEW_PASSWORD_CHECKS]));
  const others = Object.keys(handlers).filter((name) => name !== 'passwords');
  expect(others.filter((name) => checks(name).length > 0)).toEqual([]);
});

it('bundles the raw AES keyring of npm start in no handler or worker, nor the whole Encryption SDK', () => {
  // The cloud has the KMS keyring only (lambdas/keys/field-encryption.ts); client-node would bring
  // every keyring, and it is CommonJS, so none of it could be left out.
  const local = ['node_modules/@aws-crypto/raw-aes-keyring-node/', 'node_modules/@aws-crypto/client-node/'];
  const everyFunction: Record<string, HandlerDefinition | WorkerDefinition> = { ...handlers, ...workers };
  const reaching = Object.keys(everyFunction).filter((name) =>
    [...(bundled.get(name) ?? [])].some((path) => local.some((module) => path.includes(module))),
  );
  expect(reaching).toEqual([]);
  const kmsKeyring = (name: string) =>
    [...(bundled.get(name) ?? [])].some((path) =>
      path.includes('node_modules/@aws-crypto/kms-keyring-node/'),
    );
  const encrypting = Object.entries(everyFunction)
    .filter(([, definition]) => definition.encryptsFields === true)
    .map(([name]) => name);
  expect(encrypting).toContain('key-rotation');
  expect(Object.keys(everyFunction).filter(kmsKeyring)).toEqual(encrypting);
});

it('gives every bundle with an AWS SDK client the environment credentials, never the default chain', () => {
  // lib/cloud/bundling.ts aliases the chain to lambdas/aws/env-credentials.ts.
  const chain = ['node_modules/@aws-sdk/credential-provider-node/', 'node_modules/@aws-sdk/nested-clients/'];
  for (const [name, inputs] of bundled) {
    const paths = [...inputs];
    const hasClient = paths.some((path) => path.includes('node_modules/@aws-sdk/client-'));
    expect(inputs.has('lambdas/aws/env-credentials.ts'), name).toBe(hasClient);
    expect(
      paths.filter((path) => chain.some((module) => path.includes(module))),
      name,
    ).toEqual([]);
  }
  expect([...bundled.values()].some((inputs) => inputs.has('lambdas/aws/env-credentials.ts'))).toBe(true);
});

function usedInputs(metafile: Metafile): Set<string> {
  const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild produced no entry output');
  return new Set(
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([path]) => path),
  );
}
