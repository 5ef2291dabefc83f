/**
 * Builds the embedded stack's resources from the same manifests the CDK stack reads: the four
 * tables with their indexes and TTL, the workforce pool with its groups and app client, and
 * the seeded workforce admin and agent. Idempotent: a restart finds everything in place.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { WorkforceGroup } from '../routes.ts';
import { type TableDefinition, tables } from '../tables.ts';
import { workforcePool } from '../workforce.ts';
import { type LocalConfig, localTableName } from './config.ts';

export interface WorkforceUserSeed {
  readonly username: string;
  readonly password: string;
  readonly group: WorkforceGroup;
}

export interface Workforce {
  readonly userPoolId: string;
  readonly clientId: string;
  /** The `iss` of the pool's tokens. */
  readonly issuer: string;
  readonly users: readonly WorkforceUserSeed[];
}

export async function createTables(): Promise<Record<string, string>> {
  const dynamodb = new DynamoDBClient({});
  const names: Record<string, string> = {};
  for (const table of tables) {
    const name = localTableName(table.name);
    names[table.name] = name;
    try {
      await dynamodb.send(new CreateTableCommand(createTableInput(table, name)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (table.ttlAttribute) {
      await dynamodb
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        )
        // Already enabled on a restart: DynamoDB Local refuses to enable it twice.
        .catch(() => undefined);
    }
  }
  dynamodb.destroy();
  return names;
}

export function createTableInput(table: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, string>();
  const key = (a: { name: string; type: string }, kind: 'HASH' | 'RANGE') => {
    attributes.set(a.name, a.type);
    return { AttributeName: a.name, KeyType: kind };
  };
  const keySchema = [
    key(table.partitionKey, 'HASH'),
    ...(table.sortKey ? [key(table.sortKey, 'RANGE')] : []),
  ];
  const indexes = table.indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [key(index.partitionKey, 'HASH'), ...(index.sortKey ? [key(index.sortKey, 'RANGE')] : [])],
    Projection: { ProjectionType: 'ALL' as const },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as 'S' | 'N',
    })),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/**
 * The workforce pool. Locally MFA is OPTIONAL rather than REQUIRED: cognito-local cannot enrol
 * an authenticator for a seeded user without the sign-in pages that a later issue builds. The
 * cloud pool requires TOTP MFA (docs/decisions.md).
 */
export async function createWorkforce(config: LocalConfig, cognitoEndpoint: string): Promise<Workforce> {
  const cognito = new CognitoIdentityProviderClient({});
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === workforcePool.name)?.Id;
  if (!userPoolId) {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: workforcePool.name,
        MfaConfiguration: 'OPTIONAL',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: { PasswordPolicy: { MinimumLength: workforcePool.passwordPolicy.minLength } },
        UsernameAttributes: ['email'],
      }),
    );
    userPoolId = created.UserPool?.Id as string;
  }
  for (const group of workforcePool.groups) {
    await cognito
      .send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: group.name,
          Description: group.description,
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'GroupExistsException') throw error;
      });
  }
  const clients = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === workforcePool.clientName)?.ClientId;
  if (!clientId) {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: workforcePool.clientName,
        ExplicitAuthFlows: [
          ...(workforcePool.authFlows.userPassword ? ['ALLOW_USER_PASSWORD_AUTH' as const] : []),
          ...(workforcePool.authFlows.userSrp ? ['ALLOW_USER_SRP_AUTH' as const] : []),
          'ALLOW_REFRESH_TOKEN_AUTH',
        ],
      }),
    );
    clientId = created.UserPoolClient?.ClientId as string;
  }
  const users = seedUsers(config);
  for (const user of users) {
    await cognito
      .send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: user.username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: user.username },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'UsernameExistsException') throw error;
      });
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.username,
        Password: user.password,
        Permanent: true,
      }),
    );
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: userPoolId,
        Username: user.username,
        GroupName: user.group,
      }),
    );
  }
  cognito.destroy();
  return { userPoolId, clientId, issuer: `${cognitoEndpoint}/${userPoolId}`, users };
}

/**
 * The seeded admin and agent. Their passwords are made on first start and kept in the
 * git-ignored data folder, never in the repository.
 */
function seedUsers(config: LocalConfig): WorkforceUserSeed[] {
  const file = join(config.dataDir, 'workforce.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as WorkforceUserSeed[];
    if (Array.isArray(saved) && saved.length === 2) return saved;
  }
  const password = () => `${randomBytes(12).toString('base64url')}-Vy1`;
  const users: WorkforceUserSeed[] = [
    { username: 'admin@verity.local', password: password(), group: 'partner-admins' },
    { username: 'agent@verity.local', password: password(), group: 'agents' },
  ];
  writeFileSync(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  return users;
}

/**
 * The local stand-in for the KMS pepper key: 32 random bytes made on first start, kept in the
 * git-ignored data folder. Losing it makes every local password unusable, like losing the key.
 */
export function localPepperFile(config: LocalConfig): string {
  return localKeyFile(config, 'pepper.key');
}

/**
 * The local stand-in for the KMS key of field encryption: the AES-256 key of the raw AES keyring
 * (lambdas/keys/field-encryption.ts), made on first start next to the pepper. Losing it makes
 * every locally encrypted field (TOTP secrets, phone numbers) unreadable.
 */
export function localDataKeyFile(config: LocalConfig): string {
  return localKeyFile(config, 'data.key');
}

/** 32 random bytes in `<dataDir>/keys/<name>`, owner-only, made once and kept across restarts. */
function localKeyFile(config: LocalConfig, name: string): string {
  const dir = join(config.dataDir, 'keys');
  const file = join(dir, name);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32), { mode: 0o600 });
  }
  return file;
}
