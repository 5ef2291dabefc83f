/**
 * Points the AWS SDK of the test worker at the embedded AWS of this run, exactly as the gateway
 * points the handlers at it: tests that build clients with no options reach the same services.
 */
import { inject } from 'vitest';

const verity = inject('verity');
Object.assign(process.env, verity.sdkEnvironment, verity.handlerEnvironment);
