/**
 * THE route table. Data only: the CDK stack turns it into HTTP API routes and one Lambda per
 * handler; the local gateway serves the very same routes by importing the named handler modules.
 * Workers are Lambdas without a route, invoked by what their `trigger` names.
 * The infra parity test holds the synthesized template to this file.
 */
import type { TableName } from './tables.ts';

export type WorkforceGroup = 'agents' | 'partner-admins';

/**
 * How far a member must have come for a route; the shared request pipeline enforces it
 * (lambdas/http/access.ts) and hands the route its session, sending everyone else where they
 * can get that far (Sign in, the second step, entering the password again).
 */
export type MemberLevel =
  /** Passed the password, whatever comes next: signing out, asking for an account reset. */
  | 'first-step'
  /** Passed the password and owes a second factor: the pages of the second step. */
  | 'second-step'
  /** Still setting up the first method right after sign-up, or adding one after a recent sign-in. */
  | 'setting-up'
  /** Passed both steps (AAL2). */
  | 'aal2'
  /** Passed both steps within the last 20 minutes, not through a remembered browser. */
  | 'recent';

export type Access =
  /** Anyone on the internet. */
  | { readonly kind: 'public' }
  /** A member with a session that has come at least this far. */
  | { readonly kind: 'member'; readonly level: MemberLevel }
  /** A workforce user: the JWT authorizer checks the token, the pipeline checks the group. */
  | { readonly kind: 'workforce'; readonly groups: readonly WorkforceGroup[] }
  /**
   * A workforce user in the browser, signed in through the hosted workforce sign-in pages: no
   * authorizer at the gateway (a browser sends no bearer token); the pipeline verifies the
   * workforce session cookie's token against the pool and checks the group.
   */
  | { readonly kind: 'workforce-pages'; readonly groups: readonly WorkforceGroup[] };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** API Gateway path syntax: `/partners/{clientId}`, `/{proxy+}`. */
  readonly path: string;
  readonly handler: HandlerName;
  readonly access: Access;
}

export type TableGrant = 'read' | 'readwrite';

/** Who reads a handler's errors: people get an HTML page, partners get JSON. */
export type Audience = 'people' | 'partners';

export interface HandlerDefinition {
  /** Module under lambdas/handlers that exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly audience: Audience;
  readonly tables: Partial<Record<TableName, TableGrant>>;
  /**
   * Sends member mail: hands it to the mail outbox (lambdas/mail/outbox.ts), which in the cloud is
   * `sqs:SendMessage` on the mail queue and nothing of SES; the mail-sender worker delivers it.
   */
  readonly sendsMail?: boolean;
  /** Hashes or checks passwords, or keys a lookup hash (phone numbers): may ask KMS for the pepper's MAC. */
  readonly usesPepper?: boolean;
  /**
   * Encrypts or decrypts personal fields (TOTP secrets, phone numbers): may ask KMS for a data
   * key of the stack key and to unwrap one, only with an `account` + `field` encryption context.
   */
  readonly encryptsFields?: boolean;
  /** Sends codes to phones: End User Messaging SMS and voice (SendTextMessage, SendVoiceMessage). */
  readonly sendsTexts?: boolean;
  /**
   * Reads, writes and deletes identity verification evidence in the evidence bucket (objects
   * under `attempts/`), and signs the presigned POST policies and GET URLs of its pictures.
   */
  readonly usesEvidence?: boolean;
  /** Calls the verification vendors: Textract AnalyzeID, Rekognition DetectFaces and CompareFaces. */
  readonly checksIdentity?: boolean;
  /** Opens and closes video call rooms (Amazon Chime SDK Meetings). */
  readonly holdsCalls?: boolean;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

const handlerTable = {
  pages: {
    entry: 'lambdas/handlers/pages/handler.ts',
    description: 'Public hosted pages: home',
    audience: 'people',
    tables: {},
  },
  health: {
    entry: 'lambdas/handlers/health/handler.ts',
    description: 'Liveness: status and deployed version',
    audience: 'partners',
    tables: {},
  },
  'csp-report': {
    entry: 'lambdas/handlers/csp-report/handler.ts',
    description: 'Receives Content-Security-Policy violation reports from browsers',
    audience: 'partners',
    tables: {},
  },
  'workforce-me': {
    entry: 'lambdas/handlers/workforce-me/handler.ts',
    description: 'Tells a signed-in workforce user who the API takes them for',
    audience: 'partners',
    tables: {},
  },
  passwords: {
    entry: 'lambdas/handlers/passwords/handler.ts',
    description: 'Every page that sets a new password: create account, reset password, change password',
    audience: 'people',
    tables: { accounts: 'readwrite', ephemeral: 'readwrite' },
    sendsMail: true,
    usesPepper: true,
  },
  'sign-up': {
    entry: 'lambdas/handlers/sign-up/handler.ts',
    description: 'The links members get by mail: confirm an email, move an email; resend confirmation',
    audience: 'people',
    tables: { accounts: 'readwrite', ephemeral: 'readwrite' },
    sendsMail: true,
    usesPepper: true,
    // Moving an email asks the holder for a code of their authenticator app, kept encrypted.
    encryptsFields: true,
  },
  'sign-in': {
    entry: 'lambdas/handlers/sign-in/handler.ts',
    description: 'Sign in and out, forgotten passwords, entering the password again, account reset',
    audience: 'people',
    // links: an account reset's deletion disconnects every partner.
    tables: { accounts: 'readwrite', ephemeral: 'readwrite', links: 'readwrite' },
    sendsMail: true,
    usesPepper: true,
  },
  account: {
    entry: 'lambdas/handlers/account/handler.ts',
    description: 'My Account: Profile (emails), Sign-in and security, Connected partners, history, deletion',
    audience: 'people',
    // partners: the names of connected partners; links: Disconnect, and deletion disconnects all.
    tables: { accounts: 'readwrite', ephemeral: 'readwrite', partners: 'read', links: 'readwrite' },
    sendsMail: true,
    usesPepper: true,
  },
  mfa: {
    entry: 'lambdas/handlers/mfa/handler.ts',
    description:
      'Multi-factor authentication: setting up methods, recovery codes, the second step of sign-in',
    audience: 'people',
    tables: { accounts: 'readwrite', ephemeral: 'readwrite' },
    sendsMail: true,
    // The pepper also keys phoneKey, the MAC of a phone number behind the per-phone send limit.
    usesPepper: true,
    encryptsFields: true,
    sendsTexts: true,
  },
  oidc: {
    entry: 'lambdas/handlers/oidc/handler.ts',
    description:
      'The OpenID provider (oidc-provider): discovery, keys, authorization, token, userinfo, revocation, introspection, logout, PAR; and the interaction pages (sign in to a partner, Authorize)',
    audience: 'partners',
    // Partners (clients, read at every request) and its keys, which the first request after a
    // deploy makes (the rotation worker runs a day later); sessions, codes and tokens; links.
    tables: { accounts: 'readwrite', ephemeral: 'readwrite', partners: 'readwrite', links: 'readwrite' },
    sendsMail: true,
    // Keys the hash of a client_secret_basic secret.
    usesPepper: true,
    // Its signing and cookie keys are stored encrypted.
    encryptsFields: true,
    memoryMb: 1024,
  },
  partners: {
    entry: 'lambdas/handlers/partners/handler.ts',
    description: 'The partner admin API: register, list, read, replace and remove partners (OIDC clients)',
    audience: 'partners',
    tables: { partners: 'readwrite' },
    // Client secrets are kept as the pepper's MAC.
    usesPepper: true,
  },
  verification: {
    entry: 'lambdas/handlers/verification/handler.ts',
    description:
      "Identity verification: self-service (documents, selfie, personal information, a phone code, records) and the member's side of the video call",
    audience: 'people',
    tables: { accounts: 'readwrite', ephemeral: 'readwrite' },
    sendsMail: true,
    // Keys the SSN's claim and limit, and the phone's send limit.
    usesPepper: true,
    // Personal information is stored encrypted.
    encryptsFields: true,
    // The code that proves the phone account.
    sendsTexts: true,
    usesEvidence: true,
    checksIdentity: true,
    memoryMb: 512,
    timeoutSeconds: 15,
  },
  agents: {
    entry: 'lambdas/handlers/agents/handler.ts',
    description: 'The agent console: workforce sign-in, the video verification queue, reviews and decisions',
    audience: 'people',
    tables: { accounts: 'readwrite', ephemeral: 'readwrite' },
    // The member hears the outcome by mail.
    sendsMail: true,
    // Reads the member's submitted information; an approval stores the verified identity.
    encryptsFields: true,
    usesEvidence: true,
    holdsCalls: true,
  },
  'not-found': {
    entry: 'lambdas/handlers/not-found/handler.ts',
    description: 'Every request that no route matches: a 404 page or JSON, or 405 for a wrong method',
    audience: 'people',
    tables: {},
  },
} as const satisfies Record<string, HandlerDefinition>;

export type HandlerName = keyof typeof handlerTable;

/** One Lambda function per entry. */
export const handlers: Readonly<Record<HandlerName, HandlerDefinition>> = handlerTable;

/**
 * What invokes a worker. `mail-queue`: the mail outbox's SQS queue, in batches (an SQS event
 * source with partial batch responses); locally, the gateway right after each response.
 * `schedule`: an EventBridge rule, once a day; locally nothing, and tests call the function the
 * worker runs.
 */
export type WorkerTrigger = 'mail-queue' | 'schedule';

export interface WorkerDefinition {
  /** Module under lambdas/handlers that exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: WorkerTrigger;
  /** The tables it reads or writes, granted as for a handler; none when absent. */
  readonly tables?: Partial<Record<TableName, TableGrant>>;
  /** Delivers mail through SES (SendEmail as the sender identity): only the mail queue's worker. */
  readonly deliversMail?: boolean;
  /** Encrypts or decrypts with the field cipher, under the same grant as a handler's `encryptsFields`. */
  readonly encryptsFields?: boolean;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

const workerTable = {
  'mail-sender': {
    entry: 'lambdas/handlers/mail-sender/handler.ts',
    description: 'Sends the mail that handlers put in the mail outbox (SQS) through SES',
    trigger: 'mail-queue',
    deliversMail: true,
    // Waits on SES and nothing else: little memory, and time for a slow batch of ten.
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  'key-rotation': {
    entry: 'lambdas/handlers/key-rotation/handler.ts',
    description: "Rotates the OIDC provider's signing and cookie keys, once a day",
    trigger: 'schedule',
    // The key set is one encrypted item of the partners table (lambdas/store/oidc-keys.ts).
    tables: { partners: 'readwrite' },
    encryptsFields: true,
    // Waits on DynamoDB and KMS; makes at most one RSA key a run (a second or two of CPU at 256 MB).
    memoryMb: 256,
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, WorkerDefinition>;

export type WorkerName = keyof typeof workerTable;

/** One Lambda function per entry, with no route: invoked by its trigger. */
export const workers: Readonly<Record<WorkerName, WorkerDefinition>> = workerTable;

const anyone: Access = { kind: 'public' };
const firstStep: Access = { kind: 'member', level: 'first-step' };
const secondStep: Access = { kind: 'member', level: 'second-step' };
const settingUp: Access = { kind: 'member', level: 'setting-up' };
const member: Access = { kind: 'member', level: 'aal2' };
const recent: Access = { kind: 'member', level: 'recent' };
const workforce: Access = { kind: 'workforce', groups: ['agents', 'partner-admins'] };
const partnerAdmins: Access = { kind: 'workforce', groups: ['partner-admins'] };
const agentPages: Access = { kind: 'workforce-pages', groups: ['agents'] };

export const routes: readonly Route[] = [
  { method: 'GET', path: '/', handler: 'pages', access: anyone },
  { method: 'GET', path: '/create-account', handler: 'passwords', access: anyone },
  { method: 'POST', path: '/create-account', handler: 'passwords', access: anyone },
  { method: 'POST', path: '/resend-confirmation', handler: 'sign-up', access: anyone },
  { method: 'GET', path: '/confirm-email', handler: 'sign-up', access: anyone },
  { method: 'POST', path: '/confirm-email', handler: 'sign-up', access: anyone },
  { method: 'GET', path: '/move-email', handler: 'sign-up', access: anyone },
  { method: 'POST', path: '/move-email', handler: 'sign-up', access: anyone },
  { method: 'GET', path: '/sign-in', handler: 'sign-in', access: anyone },
  { method: 'POST', path: '/sign-in', handler: 'sign-in', access: anyone },
  { method: 'POST', path: '/sign-out', handler: 'sign-in', access: anyone },
  { method: 'GET', path: '/forgot-password', handler: 'sign-in', access: anyone },
  { method: 'POST', path: '/forgot-password', handler: 'sign-in', access: anyone },
  { method: 'GET', path: '/reset-password', handler: 'passwords', access: anyone },
  { method: 'POST', path: '/reset-password', handler: 'passwords', access: anyone },
  { method: 'GET', path: '/reauthenticate', handler: 'sign-in', access: member },
  { method: 'POST', path: '/reauthenticate', handler: 'sign-in', access: member },
  { method: 'GET', path: '/account-reset', handler: 'sign-in', access: firstStep },
  { method: 'POST', path: '/account-reset/request', handler: 'sign-in', access: firstStep },
  { method: 'POST', path: '/account-reset/send-link', handler: 'sign-in', access: firstStep },
  { method: 'GET', path: '/account-reset/cancel', handler: 'sign-in', access: anyone },
  { method: 'POST', path: '/account-reset/cancel', handler: 'sign-in', access: anyone },
  { method: 'GET', path: '/account-reset/delete', handler: 'sign-in', access: anyone },
  { method: 'POST', path: '/account-reset/delete', handler: 'sign-in', access: anyone },
  { method: 'GET', path: '/account', handler: 'account', access: member },
  { method: 'GET', path: '/account/security', handler: 'account', access: member },
  { method: 'GET', path: '/account/partners', handler: 'account', access: member },
  { method: 'POST', path: '/account/partners/disconnect', handler: 'account', access: recent },
  { method: 'GET', path: '/account/emails/add', handler: 'account', access: recent },
  { method: 'POST', path: '/account/emails/add', handler: 'account', access: recent },
  { method: 'POST', path: '/account/emails/resend', handler: 'account', access: recent },
  { method: 'POST', path: '/account/emails/primary', handler: 'account', access: recent },
  { method: 'POST', path: '/account/emails/remove', handler: 'account', access: recent },
  { method: 'GET', path: '/account/history', handler: 'account', access: member },
  { method: 'GET', path: '/account/password', handler: 'passwords', access: recent },
  { method: 'POST', path: '/account/password', handler: 'passwords', access: recent },
  { method: 'GET', path: '/account/delete', handler: 'account', access: recent },
  { method: 'POST', path: '/account/delete', handler: 'account', access: recent },
  { method: 'GET', path: '/mfa', handler: 'mfa', access: secondStep },
  { method: 'POST', path: '/mfa', handler: 'mfa', access: secondStep },
  { method: 'GET', path: '/mfa/setup', handler: 'mfa', access: settingUp },
  { method: 'GET', path: '/mfa/setup/totp', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/totp', handler: 'mfa', access: settingUp },
  { method: 'GET', path: '/mfa/setup/phone', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/phone', handler: 'mfa', access: settingUp },
  { method: 'GET', path: '/mfa/setup/phone/code', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/phone/code', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/phone/resend', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/phone/resend', handler: 'mfa', access: secondStep },
  { method: 'GET', path: '/mfa/setup/security-key', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/security-key', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/setup/security-key/options', handler: 'mfa', access: settingUp },
  { method: 'POST', path: '/mfa/security-key', handler: 'mfa', access: secondStep },
  { method: 'POST', path: '/mfa/security-key/options', handler: 'mfa', access: secondStep },
  { method: 'GET', path: '/mfa/recovery-codes', handler: 'mfa', access: member },
  { method: 'POST', path: '/mfa/recovery-codes', handler: 'mfa', access: recent },
  { method: 'GET', path: '/mfa/choose', handler: 'mfa', access: secondStep },
  { method: 'GET', path: '/mfa/recovery', handler: 'mfa', access: secondStep },
  { method: 'POST', path: '/mfa/recovery', handler: 'mfa', access: secondStep },
  { method: 'POST', path: '/mfa/methods/primary', handler: 'mfa', access: recent },
  { method: 'POST', path: '/mfa/methods/remove', handler: 'mfa', access: recent },
  { method: 'POST', path: '/mfa/methods/rename', handler: 'mfa', access: recent },
  { method: 'POST', path: '/mfa/forget-browsers', handler: 'mfa', access: recent },
  { method: 'GET', path: '/.well-known/openid-configuration', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/jwks', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/authorize', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/authorize', handler: 'oidc', access: anyone },
  // Where an interaction returns to the provider to finish the authorization.
  { method: 'GET', path: '/authorize/{uid}', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/request', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/token', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/userinfo', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/userinfo', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/token/revocation', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/token/introspection', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/logout', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/logout', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/logout/confirm', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/logout/success', handler: 'oidc', access: anyone },
  { method: 'GET', path: '/interaction/{uid}', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/interaction/{uid}/allow', handler: 'oidc', access: member },
  { method: 'POST', path: '/interaction/{uid}/deny', handler: 'oidc', access: anyone },
  { method: 'POST', path: '/interaction/{uid}/primary-email', handler: 'oidc', access: recent },
  { method: 'GET', path: '/verify', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/start', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/start', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/documents', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/documents/type', handler: 'verification', access: member },
  // Where S3 sends the browser after an upload (success_action_redirect of the POST policy).
  { method: 'GET', path: '/verify/documents/uploaded', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/documents/check', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/details', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/details', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/phone', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/phone/send', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/phone/code', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/result', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/start-over', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/video', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/video', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/video/status', handler: 'verification', access: member },
  { method: 'POST', path: '/verify/video/leave', handler: 'verification', access: member },
  { method: 'GET', path: '/verify/call', handler: 'verification', access: member },
  { method: 'GET', path: '/agent/sign-in', handler: 'agents', access: anyone },
  { method: 'POST', path: '/agent/sign-in', handler: 'agents', access: anyone },
  { method: 'POST', path: '/agent/sign-in/code', handler: 'agents', access: anyone },
  { method: 'POST', path: '/agent/sign-out', handler: 'agents', access: anyone },
  { method: 'GET', path: '/agent', handler: 'agents', access: agentPages },
  { method: 'POST', path: '/agent/take', handler: 'agents', access: agentPages },
  { method: 'GET', path: '/agent/reviews/{reviewId}', handler: 'agents', access: agentPages },
  { method: 'GET', path: '/agent/reviews/{reviewId}/call', handler: 'agents', access: agentPages },
  { method: 'POST', path: '/agent/reviews/{reviewId}/decide', handler: 'agents', access: agentPages },
  { method: 'GET', path: '/health', handler: 'health', access: anyone },
  { method: 'POST', path: '/csp-report', handler: 'csp-report', access: anyone },
  { method: 'GET', path: '/workforce/me', handler: 'workforce-me', access: workforce },
  { method: 'POST', path: '/partners', handler: 'partners', access: partnerAdmins },
  { method: 'GET', path: '/partners', handler: 'partners', access: partnerAdmins },
  { method: 'GET', path: '/partners/{clientId}', handler: 'partners', access: partnerAdmins },
  { method: 'PUT', path: '/partners/{clientId}', handler: 'partners', access: partnerAdmins },
  { method: 'DELETE', path: '/partners/{clientId}', handler: 'partners', access: partnerAdmins },
];

/** The catch-all: API Gateway's `$default` route key, served by this handler. */
export const defaultRoute = { handler: 'not-found', access: anyone } as const satisfies Pick<
  Route,
  'handler' | 'access'
>;

/** Static files: CloudFront serves them from S3 in the cloud, the local gateway from disk. */
export const assetMounts = [
  {
    urlPrefix: '/assets/uswds/',
    dir: 'node_modules/@uswds/uswds/dist',
    include: ['css', 'fonts', 'img', 'js'],
  },
  // WebAuthn in the browser (window.SimpleWebAuthnBrowser), for assets/webauthn.js.
  {
    urlPrefix: '/assets/simplewebauthn/',
    dir: 'node_modules/@simplewebauthn/browser/dist',
    include: ['bundle'],
  },
  { urlPrefix: '/assets/verity/', dir: 'assets', include: ['.'] },
] as const;

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
}

/** API Gateway's matching: exact segments win over `{param}`, which wins over `{proxy+}`. */
export function matchRoute(
  method: string,
  path: string,
  table: readonly Route[] = routes,
): RouteMatch | undefined {
  const candidates = table
    .filter((route) => route.method === method)
    .map((route) => ({ route, pathParameters: matchPath(route.path, path) }))
    .filter((m): m is RouteMatch => m.pathParameters !== undefined);
  candidates.sort((a, b) => specificity(b.route.path) - specificity(a.route.path));
  return candidates[0];
}

/** Methods that some route allows on this path, for a 405's Allow header. */
export function allowedMethods(path: string, table: readonly Route[] = routes): Method[] {
  return [...new Set(table.filter((r) => matchPath(r.path, path) !== undefined).map((r) => r.method))];
}

/**
 * Who reads answers at this path when no route takes the request (a wrong method): partners when
 * every route on the path is a partners' one, people otherwise (and where no route matches).
 */
export function audienceAt(path: string, table: readonly Route[] = routes): Audience {
  const onPath = table.filter((r) => matchPath(r.path, path) !== undefined);
  return onPath.length > 0 && onPath.every((r) => handlers[r.handler].audience === 'partners')
    ? 'partners'
    : 'people';
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string;
    const greedy = /^\{(\w+)\+\}$/.exec(segment);
    if (greedy) {
      if (i !== want.length - 1 || have.length <= i) return undefined;
      params[greedy[1] as string] = have.slice(i).join('/');
      return params;
    }
    const value = have[i];
    if (value === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(segment);
    if (param) params[param[1] as string] = safeDecode(value);
    else if (segment !== value) return undefined;
  }
  return have.length === want.length ? params : undefined;
}

function specificity(pattern: string): number {
  return pattern
    .split('/')
    .filter(Boolean)
    .reduce((score, s) => score * 4 + (s.endsWith('+}') ? 1 : s.startsWith('{') ? 2 : 3), 1);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
