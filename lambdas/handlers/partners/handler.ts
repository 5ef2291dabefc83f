/**
 * The partner admin API, JSON for the `partner-admins` workforce group: register, list, read,
 * replace and remove partners (OIDC clients). The rules are in lambdas/partners/; a problem
 * (`InvalidClientMetadata` with its field errors, `PartnerNotFound`, `PartnerChanged`) is
 * answered by the pipeline from the problem table.
 */
import * as v from 'valibot';
import { isId } from '../../core/ids.ts';
import type { Ports } from '../../core/ports.ts';
import { badRequest } from '../../http/errors.ts';
import type { HttpRequest } from '../../http/handler.ts';
import { routedHandler } from '../../http/handler.ts';
import { requestTime } from '../../http/member.ts';
import { type HttpResult, json, noContent } from '../../http/respond.ts';
import { pepperFromEnvironment } from '../../keys/pepper.ts';
import {
  allPartners,
  type PartnerSaved,
  partnerOf,
  registerPartner,
  removePartner,
  updatePartner,
} from '../../partners/admin.ts';
import { partnerJson } from '../../partners/registration.ts';

type Request = HttpRequest<unknown>;

/** Built once, at module load: the ports of this Lambda's grants (usesPepper). */
const ports = { pepper: pepperFromEnvironment() } satisfies Partial<Ports>;

/** JSON only; inline keys make a registration bigger than a form, never bigger than this. */
const body = { kinds: ['json'], schema: v.unknown(), maxBytes: 64 * 1024 } as const;

/** The `{clientId}` of the path, checked for shape before it reaches a key. */
function clientIdOf(request: Request): string {
  const clientId = request.event.pathParameters?.clientId;
  if (!isId(clientId))
    throw badRequest('That is not a client id: client ids are 22 characters of A-Z, a-z, 0-9, - and _.');
  return clientId;
}

/** Who made the change, for the audit trail: the pipeline has checked the workforce token. */
const actorOf = (request: Request): string => request.workforce?.username ?? '';

/** The partner, with its new client secret when one was just issued (the only time it is shown). */
const saved = ({ partner, clientSecret }: PartnerSaved) => ({
  ...partnerJson(partner),
  ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}),
});

const routes: Record<string, (request: Request) => Promise<HttpResult>> = {
  'POST /partners': async (request) =>
    json(saved(await registerPartner(request.body, actorOf(request), ports, requestTime(request))), 201),

  'GET /partners': async () => json({ partners: (await allPartners()).map(partnerJson) }),

  'GET /partners/{clientId}': async (request) => json(partnerJson(await partnerOf(clientIdOf(request)))),

  'PUT /partners/{clientId}': async (request) =>
    json(
      saved(
        await updatePartner(clientIdOf(request), request.body, actorOf(request), ports, requestTime(request)),
      ),
    ),

  'DELETE /partners/{clientId}': async (request) => {
    await removePartner(clientIdOf(request), actorOf(request), requestTime(request));
    return noContent();
  },
};

export const handler = routedHandler('partners', { body }, routes);
