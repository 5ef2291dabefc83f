/**
 * The rules of a partner registration, pure: the JSON body of the partner admin API (RFC 7591
 * client metadata and Verity's policy, flat, snake_case) checked field by field and turned into
 * a Partner's metadata and policy with their defaults; the JSON a partner is shown as; what an
 * edit changed, and whether it issues a client secret. No I/O: the operations are in admin.ts.
 */
import * as v from 'valibot';
import { isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import { problem } from '../core/problems.ts';
import {
  PARTNER_CLAIMS,
  type Partner,
  type PartnerAuthMethod,
  type PartnerClaim,
  type PartnerMetadata,
  type PartnerPolicy,
} from './partner.ts';

/** The scopes a partner may register; `openid` must be among them. */
export const PARTNER_SCOPES = [
  'openid',
  'email',
  'all_emails',
  'profile',
  'address',
  'phone',
  'social_security_number',
  'offline_access',
  'login',
  'http://idmanagement.gov/ns/assurance/ial/2/aal/2',
] as const;

export const AUTH_METHODS: readonly PartnerAuthMethod[] = ['private_key_jwt', 'client_secret_basic'];

/** What a partner gets when its registration does not say. */
export const POLICY_DEFAULTS: PartnerPolicy = {
  minimumIal: 1,
  minimumAal: 2,
  emailMustMatchLoginHint: false,
  rememberedBrowserCounts: false,
  claims: ['email', 'email_verified'],
};

export const MAX_URIS = 10;
export const MAX_URI_LENGTH = 2000;
export const MAX_CLIENT_NAME = 100;
export const MAX_CONTACTS = 10;
export const MAX_KEYS = 10;
export const MAX_VERIFIED_WITHIN_DAYS = 3650;

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Members of a JWK that only a private (or symmetric) key has (RFC 7518 section 6). */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The public members each key type needs. */
const PUBLIC_JWK_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/** What a valid registration becomes: everything of a Partner that the admin decides. */
export interface Registration {
  readonly metadata: PartnerMetadata;
  readonly policy: PartnerPolicy;
}

/* ---------------------------------------------------------------- the fields */

const parsedUrl = (value: string): URL | undefined => {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
};

const isLoopbackHttp = (url: URL) => url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);

const url = (allowLoopbackHttp: boolean) =>
  v.pipe(
    v.string('must be a URL in a string'),
    v.maxLength(MAX_URI_LENGTH, `must be at most ${MAX_URI_LENGTH} characters`),
    v.check((s) => parsedUrl(s) !== undefined, 'must be an absolute URL'),
    v.check((s) => !s.includes('#'), 'must not have a fragment (#)'),
    v.check(
      (s) => {
        const u = parsedUrl(s);
        return !u || u.protocol === 'https:' || (allowLoopbackHttp && isLoopbackHttp(u));
      },
      allowLoopbackHttp ? 'must use https, or http on a loopback host' : 'must use https',
    ),
    v.check((s) => {
      const u = parsedUrl(s);
      return !u || (u.username === '' && u.password === '');
    }, 'must not carry a user name or password'),
  );

const uriList = (min: number) =>
  v.pipe(
    v.array(url(true), 'must be a list of URLs'),
    v.minLength(min, 'must have at least one URL'),
    v.maxLength(MAX_URIS, `must have at most ${MAX_URIS} URLs`),
    v.transform((uris) => [...new Set(uris)]),
  );

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const privateMembersOf = (key: Record<string, unknown>) =>
  PRIVATE_JWK_MEMBERS.filter((member) => member in key);

const jwk = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, 'must be a JSON Web Key object'),
  v.check(
    (key) => privateMembersOf(key).length === 0,
    (issue) =>
      `must be a public key: remove its private members (${privateMembersOf(issue.input as Record<string, unknown>).join(', ')})`,
  ),
  v.check(
    (key) => typeof key.kty === 'string' && key.kty in PUBLIC_JWK_MEMBERS,
    'must have kty RSA, EC or OKP',
  ),
  v.check((key) => {
    const needed = PUBLIC_JWK_MEMBERS[key.kty as string];
    return !needed || needed.every((member) => typeof key[member] === 'string' && key[member] !== '');
  }, 'must have the public members of its key type (RSA: n, e; EC: crv, x, y; OKP: crv, x)'),
);

const JWKS_MESSAGE = 'must be a JSON Web Key Set: { "keys": [...] }';

const jwks = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, JWKS_MESSAGE),
  v.object({
    keys: v.pipe(
      v.array(jwk, 'must be a list of keys'),
      v.minLength(1, 'must have at least one key'),
      v.maxLength(MAX_KEYS, `must have at most ${MAX_KEYS} keys`),
    ),
  }),
);

const scopeTokens = (scope: string) => scope.split(' ').filter(Boolean);
const unknownScopes = (scope: string) =>
  scopeTokens(scope).filter((s) => !(PARTNER_SCOPES as readonly string[]).includes(s));

const scope = v.pipe(
  v.string('must be a space-separated string of scopes'),
  v.check(
    (s) => unknownScopes(s).length === 0,
    (issue) => `has scopes Verity does not offer: ${unknownScopes(issue.input as string).join(' ')}`,
  ),
  v.check((s) => scopeTokens(s).includes('openid'), 'must include openid'),
  v.transform((s) => [...new Set(scopeTokens(s))].join(' ')),
);

const contact = v.pipe(
  v.string('must be an email address'),
  v.check((s) => !isAddressProblem(parseEmailAddress(s)), 'must be an email address'),
  v.transform((s) => (parseEmailAddress(s) as { address: string }).address),
);

const clientName = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_CLIENT_NAME, `must be at most ${MAX_CLIENT_NAME} characters`),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  v.check((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
);

const bool = v.boolean('must be true or false');

const schema = v.pipe(
  v.object(
    {
      client_name: clientName,
      redirect_uris: uriList(1),
      token_endpoint_auth_method: v.optional(
        v.picklist(AUTH_METHODS, 'must be private_key_jwt or client_secret_basic'),
        'client_secret_basic',
      ),
      jwks: v.optional(jwks),
      jwks_uri: v.optional(url(false)),
      id_token_signed_response_alg: v.optional(
        v.picklist(['RS256', 'ES256'], 'must be RS256 or ES256'),
        'RS256',
      ),
      scope,
      post_logout_redirect_uris: v.optional(uriList(0), []),
      contacts: v.optional(
        v.pipe(
          v.array(contact, 'must be a list of email addresses'),
          v.maxLength(MAX_CONTACTS, `must have at most ${MAX_CONTACTS} addresses`),
        ),
        [],
      ),
      minimum_ial: v.optional(v.picklist([1, 2], 'must be 1 or 2'), POLICY_DEFAULTS.minimumIal),
      minimum_aal: v.optional(
        v.literal(2, 'must be 2: partners always get a password and a second factor'),
        POLICY_DEFAULTS.minimumAal,
      ),
      email_must_match_login_hint: v.optional(bool, POLICY_DEFAULTS.emailMustMatchLoginHint),
      remembered_browser_counts: v.optional(bool, POLICY_DEFAULTS.rememberedBrowserCounts),
      claims: v.optional(
        v.pipe(
          v.array(
            v.picklist(PARTNER_CLAIMS, `must be one of ${PARTNER_CLAIMS.join(', ')}`),
            'must be a list of claims',
          ),
          v.transform((claims) => [...new Set(claims)]),
        ),
        () => [...POLICY_DEFAULTS.claims],
      ),
      verified_within_days: v.optional(
        v.pipe(
          v.number('must be a whole number of days'),
          v.integer('must be a whole number of days'),
          v.minValue(1, 'must be at least 1'),
          v.maxValue(MAX_VERIFIED_WITHIN_DAYS, `must be at most ${MAX_VERIFIED_WITHIN_DAYS}`),
        ),
      ),
    },
    'must be a JSON object',
  ),
  // Pairwise subjects are per partner: one partner is one site, so its redirect URIs share a host.
  v.forward(
    v.partialCheck(
      [['redirect_uris']],
      (r) => new Set(r.redirect_uris.map((uri) => new URL(uri).host)).size <= 1,
      'must all be on one host: register one partner per site',
    ),
    ['redirect_uris'],
  ),
  // How the partner proves itself decides which keys it registers.
  v.forward(
    v.partialCheck(
      [['token_endpoint_auth_method'], ['jwks']],
      (r) => r.token_endpoint_auth_method === 'private_key_jwt' || r.jwks === undefined,
      'is for private_key_jwt only: client_secret_basic takes neither jwks nor jwks_uri',
    ),
    ['jwks'],
  ),
  v.forward(
    v.partialCheck(
      [['token_endpoint_auth_method'], ['jwks_uri']],
      (r) => r.token_endpoint_auth_method === 'private_key_jwt' || r.jwks_uri === undefined,
      'is for private_key_jwt only: client_secret_basic takes neither jwks nor jwks_uri',
    ),
    ['jwks_uri'],
  ),
  v.forward(
    v.partialCheck(
      [['token_endpoint_auth_method'], ['jwks'], ['jwks_uri']],
      (r) =>
        r.token_endpoint_auth_method !== 'private_key_jwt' ||
        (r.jwks === undefined) !== (r.jwks_uri === undefined),
      'private_key_jwt needs exactly one of jwks and jwks_uri',
    ),
    ['jwks'],
  ),
);

/* ---------------------------------------------------------------- reading a registration */

/**
 * The registration in `input` (the JSON body of POST or PUT /partners), or the problem
 * `InvalidClientMetadata` with one sentence per field that breaks a rule. Unknown fields are
 * ignored; a field sent as null counts as not sent.
 */
export function readRegistration(input: unknown): Registration {
  if (!isPlainObject(input)) throw problem({ kind: 'InvalidClientMetadata', fields: {} });
  const result = v.safeParse(schema, withoutNulls(input));
  if (!result.success) throw problem({ kind: 'InvalidClientMetadata', fields: fieldErrors(result.issues) });
  const r = result.output;
  const metadata: PartnerMetadata = {
    client_name: r.client_name,
    redirect_uris: r.redirect_uris,
    token_endpoint_auth_method: r.token_endpoint_auth_method,
    ...(r.jwks ? { jwks: { keys: r.jwks.keys } } : {}),
    ...(r.jwks_uri ? { jwks_uri: r.jwks_uri } : {}),
    id_token_signed_response_alg: r.id_token_signed_response_alg,
    scope: r.scope,
    post_logout_redirect_uris: r.post_logout_redirect_uris,
    contacts: r.contacts,
  };
  const policy: PartnerPolicy = {
    minimumIal: r.minimum_ial,
    minimumAal: r.minimum_aal,
    emailMustMatchLoginHint: r.email_must_match_login_hint,
    rememberedBrowserCounts: r.remembered_browser_counts,
    claims: r.claims as PartnerClaim[],
    ...(r.verified_within_days !== undefined ? { verifiedWithinDays: r.verified_within_days } : {}),
  };
  return { metadata, policy };
}

function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
}

/** One sentence per field, the first found for each: `{ "redirect_uris[0]": "must use https, ..." }`. */
function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const name = fieldName(issue);
    if (name === '') continue;
    fields[name] ??=
      issue.received === 'undefined' && issue.kind === 'schema' ? 'is required' : issue.message;
  }
  return fields;
}

function fieldName(issue: v.BaseIssue<unknown>): string {
  let name = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') name += `[${key}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  }
  return name;
}

/* ---------------------------------------------------------------- a partner as JSON */

/** The policy's fields by their names in the API. */
const POLICY_FIELDS = {
  minimumIal: 'minimum_ial',
  minimumAal: 'minimum_aal',
  emailMustMatchLoginHint: 'email_must_match_login_hint',
  rememberedBrowserCounts: 'remembered_browser_counts',
  claims: 'claims',
  verifiedWithinDays: 'verified_within_days',
} as const satisfies Record<keyof PartnerPolicy, string>;

/**
 * The metadata's fields in the order the API shows them (a stored map keeps no order); exhaustive
 * by type, so a new metadata field does not compile until it is shown.
 */
const METADATA_FIELDS = Object.keys({
  client_name: true,
  redirect_uris: true,
  token_endpoint_auth_method: true,
  jwks: true,
  jwks_uri: true,
  id_token_signed_response_alg: true,
  scope: true,
  post_logout_redirect_uris: true,
  contacts: true,
} satisfies { [K in keyof PartnerMetadata]-?: true }) as (keyof PartnerMetadata)[];

/** The registration's fields in the API's JSON: metadata and policy, flat, snake_case. */
export function registrationJson({ metadata, policy }: Registration): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const name of METADATA_FIELDS) if (metadata[name] !== undefined) json[name] = metadata[name];
  for (const [field, name] of Object.entries(POLICY_FIELDS)) {
    const value = policy[field as keyof PartnerPolicy];
    if (value !== undefined) json[name] = value;
  }
  return json;
}

/**
 * A partner as the admin API shows it: client id, metadata and policy, and when it was registered
 * and changed. Never its secret or the secret's hash. The same JSON sent back with PUT changes
 * nothing.
 */
export function partnerJson(partner: Omit<Partner, 'secretHash'>): Record<string, unknown> {
  return {
    client_id: partner.clientId,
    client_id_issued_at: Math.floor(Date.parse(partner.createdAt) / 1000),
    ...registrationJson(partner),
    created_at: partner.createdAt,
    updated_at: partner.updatedAt,
  };
}

/* ---------------------------------------------------------------- edits */

/**
 * What a full replacement does to the client secret: a partner that moves to client_secret_basic
 * gets a new secret (shown once); one that stays keeps its secret; one that leaves it drops it.
 */
export function secretOnReplace(
  previous: Pick<Partner, 'metadata' | 'secretHash'>,
  next: Registration,
): 'issue' | 'keep' | 'drop' {
  if (next.metadata.token_endpoint_auth_method !== 'client_secret_basic') return 'drop';
  const stays = previous.metadata.token_endpoint_auth_method === 'client_secret_basic';
  return stays && previous.secretHash ? 'keep' : 'issue';
}

/** The API names of the fields whose values differ: what an audit event says was changed. */
export function changedFields(previous: Registration | undefined, next: Registration | undefined): string[] {
  const before = previous ? registrationJson(previous) : {};
  const after = next ? registrationJson(next) : {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
    .sort();
}
