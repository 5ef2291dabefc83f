/**
 * The HTTP API: one route per entry of `routes` in lib/routes.ts (route key `METHOD /path`), and
 * API Gateway's `$default` route for everything else, served by `defaultRoute.handler`. Routes
 * for the workforce's API (`workforce`) carry a JWT authorizer on the workforce pool; all other
 * routes are public at the gateway: their handlers check member sessions, client credentials or,
 * on the agent console's pages (`workforce-pages`), the workforce session cookie themselves.
 */
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Access } from '../routes.ts';
import { acknowledge, resourceOf } from './acknowledge.ts';
import type { VerityConfig } from './config.ts';
import type { HandlerFunctions } from './handler-functions.ts';
import type { ManifestRoute } from './manifest.ts';
import { pascalCase } from './names.ts';
import { logRetentionFor, removalPolicyFor } from './retention.ts';
import type { WorkforcePool } from './workforce-pool.ts';

/**
 * A backstop for callers that skip CloudFront (and so the WAF) and call the execute-api
 * endpoint directly: enough for a national launch day, small enough to cap a runaway bill.
 */
export const STAGE_THROTTLE = { rateLimit: 500, burstLimit: 1000 } as const;

export interface VerityHttpApiProps {
  readonly config: VerityConfig;
  readonly routes: readonly ManifestRoute[];
  readonly defaultRoute: { readonly handler: string; readonly access: Access };
  readonly functions: HandlerFunctions;
  readonly workforce: WorkforcePool;
  readonly key: IKey;
}

export class VerityHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly integrations = new Map<string, HttpLambdaIntegration>();
  private readonly workforceAuthorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: VerityHttpApiProps) {
    super(scope, id);
    this.workforceAuthorizer = new HttpJwtAuthorizer('WorkforceAuthorizer', props.workforce.issuerUrl, {
      jwtAudience: [props.workforce.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', {
      apiName: `verity-${props.config.stage}`,
      description: `Verity ${props.config.stage}`,
      createDefaultStage: false,
    });
    this.stage = this.addDefaultStage(props);
    for (const route of props.routes) this.addRoute(route, props);
    this.addCatchAll(props);
  }

  /** `abc123.execute-api.<region>.amazonaws.com`: what CloudFront forwards to. */
  get domainName(): string {
    const stack = Stack.of(this);
    return `${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  private addDefaultStage({ config, key }: VerityHttpApiProps): HttpStage {
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: logRetentionFor(config),
      encryptionKey: key,
      removalPolicy: removalPolicyFor(config),
    });
    return this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: accessLogFormat(),
      },
    });
  }

  private addRoute(route: ManifestRoute, props: VerityHttpApiProps): void {
    // Construct ids cannot hold '/': `GET /sign-in` becomes `GETSignIn`, `GET /` becomes `GETRoot`.
    const id = `${route.method}${pascalCase(route.path) || 'Root'}`;
    const httpRoute = new HttpRoute(this, id, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: this.integrationFor(route.handler, props),
      authorizer: this.authorizerFor(route.access),
    });
    acknowledgeNoAuthorizer(httpRoute, route.access);
  }

  private addCatchAll(props: VerityHttpApiProps): void {
    const route = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: this.integrationFor(props.defaultRoute.handler, props),
      authorizer: this.authorizerFor(props.defaultRoute.access),
    });
    acknowledgeNoAuthorizer(route, props.defaultRoute.access);
  }

  /** One integration per handler, shared by all of its routes. */
  private integrationFor(handler: string, { functions }: VerityHttpApiProps): HttpLambdaIntegration {
    let integration = this.integrations.get(handler);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${handler}-integration`, functions.get(handler));
      this.integrations.set(handler, integration);
    }
    return integration;
  }

  /**
   * Only the workforce API has an authorizer. The agent console's pages (`workforce-pages`) have
   * none: a browser sends a cookie, not the bearer token a JWT authorizer reads, so the handler
   * verifies the session cookie's token against the pool itself.
   */
  private authorizerFor(access: Access): IHttpRouteAuthorizer | undefined {
    return access.kind === 'workforce' ? this.workforceAuthorizer : undefined;
  }
}

/** A route without an authorizer says who checks its callers instead (cdk-nag APIG4). */
function acknowledgeNoAuthorizer(route: HttpRoute, access: Access): void {
  switch (access.kind) {
    case 'workforce':
      return;
    case 'workforce-pages':
      acknowledge(resourceOf(route), 'AwsSolutions-APIG4', 'workforcePagesRoute');
      return;
    case 'public':
    case 'member':
      acknowledge(resourceOf(route), 'AwsSolutions-APIG4', 'publicRoute');
      return;
  }
}

/** JSON, one line per request; nothing from bodies, cookies or tokens. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTimeEpoch',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      path: '$context.path',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      integrationLatencyMs: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
    }),
  );
}
