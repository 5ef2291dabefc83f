/**
 * cdk-nag AwsSolutions: no finding is left unacknowledged, and every acknowledgement carries a
 * reason a security reviewer can weigh. cdk-nag 3 runs as a CDK policy validation plugin (not an
 * Aspect), so findings fail `app.synth()` itself and never show up as Annotations; the tests
 * therefore synthesize and also ask the pack directly, to print what it found.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasons } from '../../lib/cloud/acknowledge.ts';
import { buildVerityApp, PROJECT_ROOT } from '../../lib/cloud/app.ts';
import { grantingManifest } from './fixtures.ts';
import { type Cfn, cdkJsonContext, type Resources, type Synthesized, synthesize } from './synth.ts';

/** The deployments an operator can make, as far as the stack's shape is concerned. */
const variants = {
  'the default dev stage (us-east-1, no domain)': {},
  'a production stage in another region, with a domain and threat protection': {
    context: {
      stage: 'prod',
      region: 'eu-west-1',
      domainName: 'id.example.gov',
      mailIdentity: 'address',
      workforceThreatProtection: true,
    },
  },
  'a handler that reads and writes tables and sends mail': { manifest: grantingManifest },
} as const;

const synthesized = new Map<string, Synthesized>();

beforeAll(() => {
  // Let synthesis finish despite findings, so that the first test below lists them by rule and
  // construct; the last test shows that, with the real context, a finding fails synthesis.
  const reportOnly = { '@aws-cdk/core:failSynthOnValidationErrors': false };
  for (const [name, options] of Object.entries(variants)) {
    const context = { ...('context' in options ? options.context : {}), ...reportOnly };
    synthesized.set(name, synthesize({ ...options, context }));
  }
});
afterAll(() => {
  for (const s of synthesized.values()) s.dispose();
});

describe.each(Object.keys(variants))('%s', (name) => {
  const variant = () => synthesized.get(name) as Synthesized;

  it('leaves no AwsSolutions error or warning unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(variant().app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('raises no CDK error or warning annotation either', () => {
    for (const stack of [variant().main, variant().edge]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it('writes a substantive reason next to every acknowledged rule in the template', () => {
    const acknowledged = acknowledgementsIn(variant());
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { resource, id, reason } of acknowledged) {
      expect(words(reason), `${id} on ${resource}`).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('acknowledgements', () => {
  it('each reason says why in at least 20 words', () => {
    for (const [name, reason] of Object.entries(reasons))
      expect(words(reason), name).toBeGreaterThanOrEqual(20);
  });

  it('every acknowledged rule is listed with its reason in docs/deploy.md', () => {
    // Markdown escapes `*` as `\*`; the reason is the same sentence.
    const guide = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8').replaceAll('\\*', '*');
    const ruleIds = new Set(
      [...synthesized.values()].flatMap((s) => acknowledgementsIn(s).map((a) => a.id.replace(/\[.*$/, ''))),
    );
    for (const ruleId of ruleIds) expect(guide, ruleId).toContain(ruleId);
    for (const reason of Object.values(reasons)) expect(guide).toContain(reason);
  });

  it('acknowledges no key rotation finding: the pepper is an HMAC key, which KMS5 does not ask to rotate', () => {
    // KMS cannot rotate HMAC keys; cdk-nag's KMS5 checks symmetric encryption keys only, and the
    // stack key rotates yearly. An acknowledgement here would hide a stack key without rotation.
    for (const s of synthesized.values()) {
      expect(acknowledgementsIn(s).filter((a) => a.id.startsWith('AwsSolutions-KMS5'))).toEqual([]);
    }
  });

  it('every acknowledgement in the template is one of the named reasons', () => {
    const known = new Set<string>(Object.values(reasons));
    for (const s of synthesized.values()) {
      for (const { id, reason } of acknowledgementsIn(s)) expect(known.has(reason), id).toBe(true);
    }
  });
});

describe('the checks are wired into synthesis', () => {
  it('fails synthesis on a finding nobody acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'verity-nag-'));
    try {
      const { app, main } = buildVerityApp({
        outdir,
        context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] },
      });
      new Bucket(main, 'CarelessBucket', { enforceSSL: false });
      expect(() => app.synth()).toThrow(/CarelessBucket[\s\S]*AwsSolutions-S10/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

interface Acknowledgement {
  readonly resource: string;
  readonly id: string;
  readonly reason: string;
}

/** `Metadata.cdk_nag.rules_to_suppress` of every resource of both stacks. */
function acknowledgementsIn(s: Synthesized): Acknowledgement[] {
  return [s.mainTemplate, s.edgeTemplate].flatMap((template) =>
    Object.entries(template.toJSON().Resources as Resources).flatMap(([resource, r]) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Cfn[]).map((rule) => ({
        resource,
        id: String(rule.id),
        reason: String(rule.reason),
      })),
    ),
  );
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
