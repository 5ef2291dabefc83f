/**
 * The key-rotation worker in the cloud: an EventBridge rule runs it once a day and nothing else
 * invokes it; its role reaches the partners table (where the key set is) and the stack key only
 * as field encryption does, and nothing else: no mail, no pepper, no other table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_ENCRYPTION_SID, WORKER_SCHEDULE } from '../../lib/cloud/handler-functions.ts';
import { workers } from '../../lib/routes.ts';
import { tableDefinition } from '../../lib/tables.ts';
import { type Cfn, onlyResource, resourcesOf, type Synthesized, synthesize } from './synth.ts';
import {
  actionsOf,
  functionIdsByHandler,
  functionIdsByWorker,
  resourceIdsOf,
  statementsOfFunction,
  tableIdsByEnvVar,
} from './template-queries.ts';

let dev: Synthesized;
let workerId: string;

beforeAll(() => {
  dev = synthesize();
  workerId = functionIdsByWorker(dev.mainTemplate).get('key-rotation') as string;
});
afterAll(() => dev?.dispose());

const fn = (id: string): Cfn => resourcesOf(dev.mainTemplate, 'AWS::Lambda::Function')[id]?.Properties;
const stackKeyId = () => onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'EncryptionKey')[0];
const rules = () => Object.entries(resourcesOf(dev.mainTemplate, 'AWS::Events::Rule'));

describe('the key-rotation worker', () => {
  it('is a worker on a schedule, with the partners table and field encryption', () => {
    expect(workers['key-rotation']).toMatchObject({
      trigger: 'schedule',
      tables: { partners: 'readwrite' },
      encryptsFields: true,
    });
    expect(workerId).toBeDefined();
    expect(fn(workerId)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
  });

  it('is run once a day by an EventBridge rule whose one target it is', () => {
    expect(WORKER_SCHEDULE.toDays()).toBe(1);
    const scheduled = rules().filter(([, rule]) =>
      (rule.Properties.Targets as Cfn[]).some((t) => JSON.stringify(t.Arn).includes(`"${workerId}"`)),
    );
    expect(scheduled).toHaveLength(1);
    const [ruleId, rule] = scheduled[0] as [string, Cfn];
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [workerId, 'Arn'] } }),
    ]);
    // EventBridge may invoke it, for this rule only.
    const permissions = Object.values(resourcesOf(dev.mainTemplate, 'AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(`"${workerId}"`),
    );
    expect(permissions.map((p) => p.Properties)).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      }),
    ]);
  });

  it('is the only function a schedule runs, and no queue runs it', () => {
    const scheduledWorkers = Object.entries(workers)
      .filter(([, worker]) => worker.trigger === 'schedule')
      .map(([name]) => functionIdsByWorker(dev.mainTemplate).get(name));
    const targets = rules().flatMap(([, rule]) =>
      (rule.Properties.Targets as Cfn[]).map((t) => t.Arn?.['Fn::GetAtt']?.[0]),
    );
    expect(targets.filter((id) => id !== undefined && fn(id) !== undefined)).toEqual(scheduledWorkers);
    for (const id of functionIdsByHandler(dev.mainTemplate).values()) expect(targets).not.toContain(id);
    const mappings = Object.values(resourcesOf(dev.mainTemplate, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((m) => m.Properties.FunctionName)).not.toContainEqual({ Ref: workerId });
  });

  it('may read and write the partners table, and no other', () => {
    const statements = statementsOfFunction(dev.mainTemplate, workerId);
    const partners = tableIdsByEnvVar(dev.mainTemplate, workerId).get(tableDefinition('partners').envVar);
    const dynamo = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(new Set(dynamo.flatMap(resourceIdsOf))).toEqual(new Set([partners]));
    expect(dynamo.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem']),
    );
  });

  it('may use the stack key for field encryption only with an account and field context', () => {
    const statements = statementsOfFunction(dev.mainTemplate, workerId);
    const encrypt = statements.filter((st) => st.Sid === FIELD_ENCRYPTION_SID);
    expect(encrypt).toHaveLength(1);
    expect(actionsOf(encrypt[0] as (typeof statements)[number]).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
    expect(encrypt[0]?.Resource).toEqual({ 'Fn::GetAtt': [stackKeyId(), 'Arn'] });
    expect(encrypt[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['account', 'field'] },
      Null: { 'kms:EncryptionContext:account': 'false', 'kms:EncryptionContext:field': 'false' },
    });
  });

  it('may do nothing else: no mail, no SES, no pepper, no texts, no other key', () => {
    const statements = statementsOfFunction(dev.mainTemplate, workerId);
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs']);
    const [pepperId] = onlyResource(dev.mainTemplate, 'AWS::KMS::Key', 'PepperKey');
    for (const st of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')))) {
      expect(resourceIdsOf(st)).toEqual([stackKeyId()]);
      expect(resourceIdsOf(st)).not.toContain(pepperId);
    }
  });

  it('writes its own log group, encrypted with the stack key', () => {
    const logGroupId: string = fn(workerId).LoggingConfig.LogGroup.Ref;
    const logGroup = resourcesOf(dev.mainTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties;
    expect(logGroup.KmsKeyId).toEqual({ 'Fn::GetAtt': [stackKeyId(), 'Arn'] });
    const others = [
      ...functionIdsByHandler(dev.mainTemplate).values(),
      ...functionIdsByWorker(dev.mainTemplate).values(),
    ]
      .filter((id) => id !== workerId)
      .map((id) => fn(id).LoggingConfig.LogGroup.Ref);
    expect(others).not.toContain(logGroupId);
  });
});
