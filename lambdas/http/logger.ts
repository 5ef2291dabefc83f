/**
 * One structured logger for every handler (Powertools). What goes in: request id, route key,
 * status and latency. What never goes in: bodies, query strings, cookies, raw paths (they can
 * carry tokens) and anything personal.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'verity' });

/** Describes an unexpected error without its message, which may quote personal data. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .slice(1, 8)
    .map((line) => line.trim());
  return { errorName: error.name, stack: frames };
}
