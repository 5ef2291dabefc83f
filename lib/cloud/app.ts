/**
 * Builds the whole CDK app: the edge stack (us-east-1), the regional stack, and cdk-nag's
 * AwsSolutions checks. bin/app.ts calls it for `cdk synth`/`cdk deploy`; the infra tests call it
 * with the same context, so what they assert is what gets deployed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, type VerityConfig } from './config.ts';
import { VerityEdgeStack } from './edge-stack.ts';
import type { VerityManifest } from './manifest.ts';
import { VerityStack } from './verity-stack.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface VerityApp {
  readonly app: App;
  readonly config: VerityConfig;
  readonly edge: VerityEdgeStack;
  readonly main: VerityStack;
}

export interface BuildOptions {
  /** Swap the route/handler/table manifests (tests only). */
  readonly manifest?: VerityManifest;
}

export function buildVerityApp(appProps: AppProps = {}, options: BuildOptions = {}): VerityApp {
  const app = new App(appProps);
  const config = readConfig(app.node, join(PROJECT_ROOT, 'package.json'));

  const edge = new VerityEdgeStack(app, `VerityEdge-${config.stage}`, config);
  const main = new VerityStack(app, `Verity-${config.stage}`, {
    config,
    projectRoot: PROJECT_ROOT,
    webAclArn: edge.webAclArn,
    certificate: edge.certificate,
    manifest: options.manifest,
  });
  main.addStackDependency(edge, 'CloudFront needs the web ACL (and certificate) from us-east-1 first');

  Tags.of(app).add('app', 'verity');
  Tags.of(app).add('verity:stage', config.stage);

  // cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails synthesis. The
  // acknowledgements are also written into template Metadata (cdk_nag.rules_to_suppress) so
  // that reviewers and the infra tests can read them from the template.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );

  return { app, config, edge, main };
}
