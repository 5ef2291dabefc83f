/**
 * The manifest says what each handler may reach (tables, mail, the pepper, field encryption, texts); the
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
} as const;

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
    // Which tables a store function uses is decided at run time; the parity and least-privilege
    // tests hold the grants to the entry, this one holds the entry to the code.
    expect(reaches(GATEWAYS.tables), GATEWAYS.tables).toBe(Object.keys(definition.tables).length > 0);
  });

  it('bundles the mail outbox exactly when its manifest entry says sendsMail, and SES never', () => {
    expect(reaches(GATEWAYS.mail), GATEWAYS.mail).toBe(definition.sendsMail === true);
    expect(reaches(GATEWAYS.ses), GATEWAYS.ses).toBe(false);
  });

  it('bundles the KMS pepper exactly when its manifest entry says usesPepper', () => {
    expect(reaches(GATEWAYS.pepper), GATEWAYS.pepper).toBe(definition.usesPepper === true);
  });

  it('bundles the End User Messaging sender exactly when its manifest entry says sendsTexts', () => {
    expect(reaches(GATEWAYS.texts), GATEWAYS.texts).toBe(definition.sendsTexts === true);
  });
});

describe.each(Object.entries(workers))('worker %s', (name, worker: WorkerDefinition) => {
  const reaches = (module: string) => bundled.get(name)?.has(module) === true;

  it('bundles the SES mailer exactly when its manifest entry says deliversMail', () => {
    expect(reaches(GATEWAYS.ses), GATEWAYS.ses).toBe(worker.deliversMail === true);
  });

  it('bundles nothing it has no grant for: no tables, pepper, field encryption or texts', () => {
    for (const gateway of [GATEWAYS.tables, GATEWAYS.pepper, GATEWAYS.fieldCipher, GATEWAYS.texts]) {
      expect(reaches(gateway), gateway).toBe(false);
    }
  });
});

it('bundles field encryption in no handler whose manifest entry lacks encryptsFields', () => {
  // One way only for now: the handlers flagged for MFA do not encrypt anything yet. Once they
  // do, this becomes exact per handler, as for the pepper.
  const unflagged = Object.entries(handlers as Record<string, HandlerDefinition>)
    .filter(([, definition]) => definition.encryptsFields !== true)
    .map(([name]) => name);
  expect(unflagged.length).toBeGreaterThan(0);
  const reaching = unflagged.filter((name) => bundled.get(name)?.has(GATEWAYS.fieldCipher));
  expect(reaching).toEqual([]);
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
