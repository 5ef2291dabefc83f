/**
 * THE table definitions. Data only: the CDK stack (lib/cloud) and the embedded AWS bootstrap
 * (lib/local) both read this file, so a table, key or index cannot exist in one place only.
 * The key design and the item shapes are described in docs/data-model.md.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name, used in code and in the CDK construct id. */
  readonly name: TableName;
  /** Environment variable that carries the physical table name to every handler. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute that DynamoDB's TTL reads (epoch seconds). Reads check it too: TTL deletes late. */
  readonly ttlAttribute?: 'expiresAt';
  readonly purpose: string;
}

export type TableName = 'accounts' | 'links' | 'partners' | 'ephemeral';

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

export const tables: readonly TableDefinition[] = [
  {
    name: 'accounts',
    envVar: 'TABLE_ACCOUNTS',
    partitionKey: pk,
    sortKey: sk,
    indexes: [],
    purpose:
      'Members and everything one member owns (profile, emails, MFA factors, recovery codes, devices, verified identity, history), plus uniqueness claims keyed by normalized email and by keyed SSN hash.',
  },
  {
    name: 'links',
    envVar: 'TABLE_LINKS',
    partitionKey: pk,
    sortKey: sk,
    indexes: [
      {
        name: 'partnerSubject',
        partitionKey: { name: 'partnerId', type: 'S' },
        sortKey: { name: 'subject', type: 'S' },
      },
    ],
    purpose:
      'One item per member and partner: pairwise subject, consented claims and assurance, consent time and expiry, last use.',
  },
  {
    name: 'partners',
    envVar: 'TABLE_PARTNERS',
    partitionKey: pk,
    sortKey: sk,
    indexes: [],
    purpose:
      'Registered OIDC clients and their policies (redirect URIs, auth method, scopes, IAL/AAL, contacts).',
  },
  {
    name: 'ephemeral',
    envVar: 'TABLE_EPHEMERAL',
    partitionKey: pk,
    sortKey: sk,
    // oidc-provider's codes and tokens by grant, for revoking a grant; sessions by uid are read
    // through a copy under the uid (a key lookup, strongly consistent), never an index.
    indexes: [{ name: 'grantId', partitionKey: { name: 'grantId', type: 'S' } }],
    ttlAttribute: 'expiresAt',
    purpose:
      'Everything that expires: web sessions, email and reset tokens, MFA challenges, rate-limit counters, oidc-provider models.',
  },
];

export function tableDefinition(name: TableName): TableDefinition {
  const table = tables.find((t) => t.name === name);
  if (!table) throw new Error(`Unknown table ${name}`);
  return table;
}
