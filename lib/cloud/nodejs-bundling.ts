/**
 * The settings of bundling.ts, spelled for `NodejsFunction`. Kept apart so that bench/ can read
 * bundling.ts without loading aws-cdk-lib.
 */
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  BUNDLE_ALIAS,
  BUNDLE_DEFINE,
  ESM_REQUIRE_BANNER,
  EXTERNAL_MODULES,
  MAIN_FIELDS,
  NODE_TARGET,
  SOURCE_MAP,
} from './bundling.ts';

export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: NODE_TARGET,
    minify: true,
    sourceMap: SOURCE_MAP.enabled,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: SOURCE_MAP.sourcesContent,
    mainFields: MAIN_FIELDS,
    banner: ESM_REQUIRE_BANNER,
    define: { ...BUNDLE_DEFINE },
    externalModules: EXTERNAL_MODULES,
    // BundlingOptions has no alias; CDK passes each entry as `--alias:<module>=<path>`.
    esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIAS).map(([module, path]) => `${module}=${path}`) },
  };
}
