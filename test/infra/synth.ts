/**
 * Synthesizes the real app (lib/cloud/app.ts) the way `cdk synth` does: cdk.json's context
 * (feature flags and defaults) plus the test's overrides, into a throw-away folder. Synthesis
 * runs the cdk-nag plugin, so it throws if any finding is left unacknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type BuildOptions, buildVerityApp, PROJECT_ROOT, type VerityApp } from '../../lib/cloud/app.ts';

export interface Synthesized extends VerityApp {
  readonly assembly: CloudAssembly;
  readonly outdir: string;
  readonly mainTemplate: Template;
  readonly edgeTemplate: Template;
  /** Delete the throw-away cloud assembly. */
  readonly dispose: () => void;
}

export interface SynthOptions extends BuildOptions {
  readonly context?: Record<string, unknown>;
  /** Run esbuild for every handler (slow); off, CDK stages the assets without bundling. */
  readonly bundle?: boolean;
}

export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

export function synthesize(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'verity-infra-'));
  const context: Record<string, unknown> = { ...cdkJsonContext, ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const built = buildVerityApp({ outdir, context }, { manifest: options.manifest });
  const assembly = built.app.synth();
  const template = (artifactId: string) => Template.fromJSON(assembly.getStackArtifact(artifactId).template);
  return {
    ...built,
    assembly,
    outdir,
    mainTemplate: template(built.main.artifactId),
    edgeTemplate: template(built.edge.artifactId),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** CloudFormation JSON: untyped by nature, read by tests that say what they expect of it. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
export type Cfn = any;

export type Resources = Record<
  string,
  { Type: string; Properties?: Cfn; Metadata?: Cfn; DeletionPolicy?: string }
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The one resource of a type whose logical id starts with a prefix (construct path based). */
export function onlyResource(template: Template, type: string, logicalIdPrefix = ''): [string, Cfn] {
  const matches = Object.entries(resourcesOf(template, type)).filter(([id]) =>
    id.startsWith(logicalIdPrefix),
  );
  if (matches.length !== 1) {
    throw new Error(
      `Expected one ${type} starting ${logicalIdPrefix}, found ${matches.map(([id]) => id).join(', ')}`,
    );
  }
  return matches[0] as [string, Cfn];
}

/** `{ Key, Value }[]` tags of a resource as a map. */
export function tagsOf(resource: { Properties?: Cfn }): Record<string, string> {
  const tags: { Key: string; Value: string }[] = resource.Properties?.Tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}
