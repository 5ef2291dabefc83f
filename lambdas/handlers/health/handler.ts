/** Liveness for load balancers and operators: no dependencies are called, nothing personal is said. */
import { httpHandler } from '../../http/handler.ts';
import { json } from '../../http/respond.ts';

const version = process.env.VERITY_VERSION ?? 'unknown';

export const handler = httpHandler('health', {}, () => json({ status: 'ok', version }));
