/**
 * How every handler is bundled: ONE set of esbuild settings, read both by the CDK stack
 * (NodejsFunction, see nodejs-bundling.ts) and by bench/ (plain esbuild, see `esbuildOptionsFor`),
 * so the bundle that the benchmarks weigh and time is the bundle that Lambda runs.
 */

import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** Lambda runs `nodejs22.x`; so does everything local (the `node@22` devDependency). */
export const NODE_TARGET = 'node22';

/**
 * ESM output lets Node load the bundle without a CommonJS wrapper and keeps top-level await
 * available. Some dependencies are still CommonJS and call `require` for Node built-ins; esbuild
 * routes those calls through a shim that looks for a `require` in scope, and ESM has none, so the
 * banner makes one. `createRequire` is imported under a private name so that a bundled module
 * importing `createRequire` itself cannot clash with the banner's declaration.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __verityCreateRequire } from 'node:module'; const require = __verityCreateRequire(import.meta.url);";

/** Prefer a package's ESM build: it tree-shakes, its CommonJS build usually does not. */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * Nothing is external, the AWS SDK included. The SDK that the Lambda runtime ships is a whole
 * SDK on disk, of a version that AWS changes underneath a deployed function; bundling the few
 * clients a handler imports makes the code that runs the code that was tested (same SDK version
 * as the integration tests), keeps the bundle to what is used, and makes cold start depend on
 * one minified file instead of module resolution across the runtime's node_modules.
 */
export const EXTERNAL_MODULES: string[] = [];

/**
 * Source maps so stack traces name our files (`NODE_OPTIONS=--enable-source-maps`), but without
 * `sourcesContent`: Node reads the map when the module loads, so a map that also carries every
 * original source makes cold start slower and the asset larger for nothing a trace needs.
 */
export const SOURCE_MAP = { enabled: true, sourcesContent: false } as const;

/**
 * Build-time constants of every Lambda bundle. `process.env.VERITY_LAMBDA_BUNDLE` reads "1" in a
 * bundle, so a branch for the local stand-ins only (`process.env.VERITY_LAMBDA_BUNDLE !== '1'`,
 * written out where it is tested: esbuild folds the comparison only there) is dropped by the
 * minifier, with everything it alone imports. Nothing sets the variable at run time: locally
 * (`npm start`, the tests) the modules run unbundled and it is unset. Used for the raw AES keyring
 * that stands in for KMS (lambdas/keys/field-encryption.ts).
 */
export const BUNDLE_DEFINE: Readonly<Record<string, string>> = { 'process.env.VERITY_LAMBDA_BUNDLE': '"1"' };

/**
 * Modules a Lambda bundle takes from elsewhere. The AWS SDK's default credential chain becomes
 * its one link that runs in Lambda, the credentials of the function's role in the environment
 * (lambdas/aws/env-credentials.ts says why): the rest of the chain is ~110 KiB and ~30 ms of cold
 * import in every handler with an SDK client. An absolute path: esbuild resolves a relative alias
 * from its working directory, so this one holds wherever CDK or the bench runs it.
 */
export const BUNDLE_ALIAS: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'lambdas', 'aws', 'env-credentials.ts'),
  // Koa and oidc-provider each pin their own copy of this 130 KiB table of media types; the
  // newest one (a superset) serves them all, once.
  'mime-db': join(PROJECT_ROOT, 'node_modules', 'mime-db'),
};

/**
 * Lambda's NODE_OPTIONS: source maps make stack traces name our files. Node reads the map while
 * the module loads, so the bench measures cold imports with it too.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** The handler module's export: `lambdas/handlers/<name>.ts` exports `handler`. */
export const HANDLER_EXPORT = 'handler';

/**
 * Plain esbuild options for one handler entry (a path relative to the project root or absolute).
 * The caller adds where to write (`outfile` or `outdir`) and anything it measures (`metafile`).
 */
export function esbuildOptionsFor(entry: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: true,
    sourcemap: SOURCE_MAP.enabled,
    sourcesContent: SOURCE_MAP.sourcesContent,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    define: { ...BUNDLE_DEFINE },
    alias: { ...BUNDLE_ALIAS },
    external: EXTERNAL_MODULES,
    outExtension: { '.js': '.mjs' },
  };
}
