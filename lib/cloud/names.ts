/** `csp-report` -> `CspReport`: construct ids from manifest names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

/** Tag on every handler function: which manifest entry it runs (operators and the parity test read it). */
export const HANDLER_TAG = 'verity:handler';

/** Tag on every worker function (a Lambda without a route): which `workers` entry it runs. */
export const WORKER_TAG = 'verity:worker';
