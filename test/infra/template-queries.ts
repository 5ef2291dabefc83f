/**
 * Questions the infra tests ask of a synthesized template, answered by following references
 * (route -> integration -> function -> role -> policy) the way CloudFormation would.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { HANDLER_TAG, WORKER_TAG } from '../../lib/cloud/names.ts';
import { type Cfn, resourcesOf, tagsOf } from './synth.ts';

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Logical id of the Lambda function tagged with a manifest handler name. */
export function functionIdsByHandler(template: Template): Map<string, string> {
  return functionIdsByTag(template, HANDLER_TAG);
}

/** Logical id of the Lambda function tagged with a manifest worker name. */
export function functionIdsByWorker(template: Template): Map<string, string> {
  return functionIdsByTag(template, WORKER_TAG);
}

function functionIdsByTag(template: Template, tag: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
    const name = tagsOf(fn)[tag];
    if (name === undefined) continue;
    if (ids.has(name)) throw new Error(`Two functions tagged ${tag}=${name}`);
    ids.set(name, id);
  }
  return ids;
}

/** `integrations/<Ref>` -> IntegrationUri `Fn::GetAtt [fn, Arn]` -> the function's logical id. */
export function functionIdOfRoute(template: Template, route: { Properties?: Cfn }): string {
  const target = route.Properties?.Target?.['Fn::Join']?.[1];
  const integrationId: unknown = Array.isArray(target) ? target[1]?.Ref : undefined;
  if (typeof integrationId !== 'string')
    throw new Error(`Route target is not an integration: ${JSON.stringify(target)}`);
  const integration = resourcesOf(template, 'AWS::ApiGatewayV2::Integration')[integrationId];
  const uri = integration?.Properties?.IntegrationUri?.['Fn::GetAtt'];
  if (!Array.isArray(uri) || uri[1] !== 'Arn')
    throw new Error(`Integration ${integrationId} does not call a function`);
  return uri[0] as string;
}

/** Every Allow statement of the policies attached to a function's role. */
export function statementsOfFunction(template: Template, functionId: string): PolicyStatement[] {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId];
  const roleId: unknown = fn?.Properties?.Role?.['Fn::GetAtt']?.[0];
  if (typeof roleId !== 'string') throw new Error(`${functionId} has no role of this stack`);
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[])
    .filter((statement) => statement.Effect === 'Allow');
}

export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Logical ids a statement's resources point at (Ref or GetAtt, also inside Fn::Join), not pseudo parameters. */
export function resourceIdsOf(statement: PolicyStatement): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string' && !object.Ref.startsWith('AWS::')) ids.add(object.Ref);
      const getAtt = object['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.add(getAtt[0]);
      Object.values(object).forEach(visit);
    }
  };
  visit(statement.Resource);
  return [...ids];
}

/** Logical id of the table that a handler's environment variable names. */
export function tableIdsByEnvVar(template: Template, functionId: string): Map<string, string> {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId];
  const variables: Record<string, unknown> = fn?.Properties?.Environment?.Variables ?? {};
  const ids = new Map<string, string>();
  for (const [name, value] of Object.entries(variables)) {
    const ref = (value as { Ref?: unknown } | undefined)?.Ref;
    if (typeof ref === 'string') ids.set(name, ref);
  }
  return ids;
}

/** Logical ids of the mail outbox's queue (the one with a redrive policy) and its dead-letter queue. */
export function mailQueueIds(template: Template): { queue: string; deadLetters: string } {
  const queues = Object.entries(resourcesOf(template, 'AWS::SQS::Queue'));
  const withRedrive = queues.filter(([, q]) => q.Properties?.RedrivePolicy);
  if (withRedrive.length !== 1)
    throw new Error(`Expected one queue with a dead-letter queue, found ${withRedrive.length}`);
  const [queue, definition] = withRedrive[0] as [string, Cfn];
  const deadLetters: unknown = definition.Properties.RedrivePolicy.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
  if (typeof deadLetters !== 'string')
    throw new Error('The mail queue names no dead-letter queue of this stack');
  return { queue, deadLetters };
}
