/**
 * The DynamoDB tables of lib/tables.ts, one `AWS::DynamoDB::Table` per definition. The manifest
 * says what exists (keys, indexes, TTL); this file says how each is kept: on demand, point-in-time
 * recovery, encrypted with the stack key, protected from deletion outside dev.
 */
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { type KeyAttribute, type TableDefinition, type TableName, tables } from '../tables.ts';
import type { VerityConfig } from './config.ts';
import { pascalCase } from './names.ts';
import { removalPolicyFor } from './retention.ts';

export interface DataTablesProps {
  readonly config: VerityConfig;
  readonly key: IKey;
  readonly definitions?: readonly TableDefinition[];
}

export class DataTables extends Construct {
  readonly byName: ReadonlyMap<TableName, Table>;
  private readonly definitions: readonly TableDefinition[];

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    this.definitions = props.definitions ?? tables;
    const byName = new Map<TableName, Table>();
    for (const definition of this.definitions) {
      byName.set(definition.name, this.createTable(definition, props));
    }
    this.byName = byName;
  }

  hasIndexes(name: TableName): boolean {
    return this.definitions.some((t) => t.name === name && t.indexes.length > 0);
  }

  get(name: TableName): Table {
    const table = this.byName.get(name);
    if (!table) throw new Error(`No table ${name} in this stack`);
    return table;
  }

  /** Physical names for handlerEnvironment(): CloudFormation picks them, handlers read env. */
  physicalNames(): Record<TableName, string> {
    return Object.fromEntries([...this.byName].map(([name, table]) => [name, table.tableName])) as Record<
      TableName,
      string
    >;
  }

  private createTable(definition: TableDefinition, { config, key }: DataTablesProps): Table {
    const table = new Table(this, pascalCase(definition.name), {
      partitionKey: attribute(definition.partitionKey),
      sortKey: definition.sortKey && attribute(definition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: definition.ttlAttribute,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      deletionProtection: config.isProduction,
      removalPolicy: removalPolicyFor(config),
    });
    for (const index of definition.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}
