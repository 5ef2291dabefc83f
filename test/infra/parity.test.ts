/**
 * lib/routes.ts and lib/tables.ts are the single source of routes and tables: the local gateway
 * serves them, and these tests hold the synthesized stack to them in both directions, so a
 * route, handler or index cannot exist in one place only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasons } from '../../lib/cloud/acknowledge.ts';
import { defaultRoute, handlers, routeKey, routes } from '../../lib/routes.ts';
import { type KeyAttribute, tables } from '../../lib/tables.ts';
import { type Cfn, onlyResource, resourcesOf, type Synthesized, synthesize } from './synth.ts';
import { functionIdOfRoute, functionIdsByHandler, tableIdsByEnvVar } from './template-queries.ts';

let synthesized: Synthesized;
let routesByKey: Map<string, Cfn>;
let handlerOfFunction: Map<string, string>;

beforeAll(() => {
  synthesized = synthesize();
  routesByKey = new Map(
    Object.values(resourcesOf(synthesized.mainTemplate, 'AWS::ApiGatewayV2::Route')).map((r) => [
      r.Properties.RouteKey,
      r,
    ]),
  );
  handlerOfFunction = new Map(
    [...functionIdsByHandler(synthesized.mainTemplate)].map(([handler, functionId]) => [functionId, handler]),
  );
});
afterAll(() => synthesized?.dispose());

const manifestRoutes = [
  ...routes.map((route) => ({ key: routeKey(route), handler: route.handler, access: route.access })),
  { key: '$default', handler: defaultRoute.handler, access: defaultRoute.access },
];

describe('routes', () => {
  it('has exactly the route keys of lib/routes.ts, plus $default', () => {
    expect([...routesByKey.keys()].sort()).toEqual(manifestRoutes.map((r) => r.key).sort());
  });

  it.each(manifestRoutes)('$key is served by the $handler function', ({ key, handler }) => {
    const functionId = functionIdOfRoute(synthesized.mainTemplate, routesByKey.get(key));
    expect(handlerOfFunction.get(functionId)).toBe(handler);
  });

  it.each(manifestRoutes)('$key is checked at the gateway as its access says', ({ key, access }) => {
    const route = routesByKey.get(key).Properties;
    const acknowledged = ((routesByKey.get(key).Metadata?.cdk_nag?.rules_to_suppress ?? []) as Cfn[])
      .filter((rule) => rule.id === 'AwsSolutions-APIG4')
      .map((rule) => rule.reason);
    if (access.kind === 'workforce') {
      const [authorizerId, authorizer] = onlyResource(
        synthesized.mainTemplate,
        'AWS::ApiGatewayV2::Authorizer',
      );
      expect(authorizer.Properties.AuthorizerType).toBe('JWT');
      expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      expect(acknowledged).toEqual([]);
      return;
    }
    // Public, member and agent console routes: no authorizer at the gateway. The agent console's
    // pages are opened by a browser, which sends a session cookie and no bearer token; their
    // handler verifies the cookie's workforce token itself.
    expect(route.AuthorizationType).toBe('NONE');
    expect(route.AuthorizerId).toBeUndefined();
    expect(acknowledged).toEqual([
      access.kind === 'workforce-pages' ? reasons.workforcePagesRoute : reasons.publicRoute,
    ]);
  });

  it('serves the agent console pages without an authorizer, and has some', () => {
    const pages = manifestRoutes.filter((r) => r.access.kind === 'workforce-pages');
    expect(pages.length).toBeGreaterThan(0);
    for (const { key } of pages) expect(routesByKey.get(key).Properties.AuthorizationType).toBe('NONE');
  });

  it('has one function for each handler of the manifest and no other handler function', () => {
    expect([...handlerOfFunction.values()].sort()).toEqual(Object.keys(handlers).sort());
  });

  it('reaches every handler through at least one route', () => {
    const served = new Set<string>(manifestRoutes.map((r) => r.handler));
    expect(Object.keys(handlers).filter((h) => !served.has(h))).toEqual([]);
  });
});

describe('tables', () => {
  /** Logical id of the table a handler reaches through the environment variable the manifest names. */
  const tableIdFor = (envVar: string) => {
    const anyFunction = [...handlerOfFunction.keys()][0] as string;
    return tableIdsByEnvVar(synthesized.mainTemplate, anyFunction).get(envVar) ?? '';
  };
  const tableFor = (envVar: string) =>
    resourcesOf(synthesized.mainTemplate, 'AWS::DynamoDB::Table')[tableIdFor(envVar)]?.Properties;

  it('has exactly one DynamoDB table per definition, named to handlers by its envVar', () => {
    const tableIds = Object.keys(resourcesOf(synthesized.mainTemplate, 'AWS::DynamoDB::Table')).sort();
    expect(tables.map((t) => tableIdFor(t.envVar)).sort()).toEqual(tableIds);
  });

  it.each(tables)('$name has the keys of its definition', (definition) => {
    const table = tableFor(definition.envVar);
    expect(table.KeySchema).toEqual(keySchema(definition.partitionKey, definition.sortKey));
    const declared = [
      definition.partitionKey,
      definition.sortKey,
      ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]
      .filter((k): k is KeyAttribute => k !== undefined)
      .map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
    expect(sortByName(table.AttributeDefinitions)).toEqual(sortByName(unique(declared)));
  });

  it.each(tables)('$name has the indexes of its definition, projecting all attributes', (definition) => {
    const table = tableFor(definition.envVar);
    const indexes = (table.GlobalSecondaryIndexes ?? []) as Cfn[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(definition.indexes.map((i) => i.name).sort());
    for (const index of definition.indexes) {
      const found = indexes.find((i) => i.IndexName === index.name);
      expect(found.KeySchema).toEqual(keySchema(index.partitionKey, index.sortKey));
      expect(found.Projection).toEqual({ ProjectionType: 'ALL' });
    }
  });

  it.each(tables)('$name expires items on its TTL attribute, if it has one', (definition) => {
    const ttl = tableFor(definition.envVar).TimeToLiveSpecification;
    if (definition.ttlAttribute)
      expect(ttl).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
    else expect(ttl).toBeUndefined();
  });
});

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

function unique<T>(items: T[]): T[] {
  return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
}

function sortByName<T extends { AttributeName: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
}
