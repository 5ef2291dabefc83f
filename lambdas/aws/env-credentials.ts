/**
 * The AWS SDK's credential chain as a Lambda bundle has it: lib/cloud/bundling.ts puts this
 * module in place of `@aws-sdk/credential-provider-node`, whose `defaultProvider` every client's
 * runtime config imports. Lambda gives each function the credentials of its role in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); that is the first
 * link of the SDK's default chain, and the one it always takes in Lambda. The other links (SSO,
 * the shared config files, credential processes, web identity tokens, container and instance
 * metadata) serve developer machines and other compute, and cost every bundle with an SDK client
 * about 110 KiB and 30 ms of cold import (bench/README.md). Locally nothing is bundled, so
 * `npm start` and the tests keep the whole chain.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

/** What the clients call as `credentialDefaultProvider`: the environment's credentials, or the SDK's own error. */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
