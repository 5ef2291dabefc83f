/**
 * Codes to phones: the handlers flagged `sendsTexts` in the manifest, and only they, may call
 * End User Messaging's two send actions, and nothing else of it; the origination identity
 * setting reaches the handlers; the local outbox never does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasons } from '../../lib/cloud/acknowledge.ts';
import { SEND_TEXTS_SID } from '../../lib/cloud/handler-functions.ts';
import { type VerityManifest, verityManifest } from '../../lib/cloud/manifest.ts';
import { type HandlerDefinition, handlers } from '../../lib/routes.ts';
import { type Cfn, resourcesOf, type Synthesized, synthesize } from './synth.ts';
import { actionsOf, functionIdsByHandler, statementsOfFunction } from './template-queries.ts';

const SEND_ACTIONS = ['sms-voice:SendTextMessage', 'sms-voice:SendVoiceMessage'];

/** The flag moved: the mfa handler without it, a handler of another entry with it. */
const movedFlagManifest: VerityManifest = {
  ...verityManifest,
  handlers: {
    ...verityManifest.handlers,
    mfa: { ...(verityManifest.handlers.mfa as HandlerDefinition), sendsTexts: false },
    texting: {
      entry: 'lambdas/handlers/health/handler.ts',
      description: 'Test double: a handler that sends texts and nothing else',
      audience: 'people',
      tables: {},
      sendsTexts: true,
    } satisfies HandlerDefinition,
  },
  routes: [
    ...verityManifest.routes,
    { method: 'POST', path: '/texting', handler: 'texting', access: { kind: 'member', level: 'aal2' } },
  ],
};

let shipped: Synthesized;
let withOrigin: Synthesized;
let moved: Synthesized;

beforeAll(() => {
  shipped = synthesize();
  withOrigin = synthesize({ context: { smsOriginationIdentity: 'pool-0123456789abcdef0123456789abcdef' } });
  moved = synthesize({ manifest: movedFlagManifest });
});
afterAll(() => {
  for (const s of [shipped, withOrigin, moved]) s?.dispose();
});

/** Statements of a handler's role that name any End User Messaging action. */
function textStatements(s: Synthesized, handler: string) {
  const id = functionIdsByHandler(s.mainTemplate).get(handler);
  if (!id) throw new Error(`no function for ${handler}`);
  return statementsOfFunction(s.mainTemplate, id).filter((st) =>
    actionsOf(st).some((a) => a.startsWith('sms-voice:') || a === '*'),
  );
}

function expectTextGrantsToMatch(s: Synthesized, definitions: Readonly<Record<string, HandlerDefinition>>) {
  const flagged = Object.entries(definitions).filter(([, d]) => d.sendsTexts === true);
  expect(flagged.length).toBeGreaterThan(0);
  for (const [name, definition] of Object.entries(definitions)) {
    const statements = textStatements(s, name);
    if (definition.sendsTexts !== true) {
      expect(statements, name).toEqual([]);
      continue;
    }
    expect(statements, name).toHaveLength(1);
    const [statement] = statements as [Cfn];
    expect(statement.Sid).toBe(SEND_TEXTS_SID);
    expect(actionsOf(statement).sort()).toEqual(SEND_ACTIONS);
  }
}

describe('sending codes to phones', () => {
  it('is granted to exactly the handlers flagged sendsTexts: the two send actions', () => {
    expect((handlers as Record<string, HandlerDefinition>).mfa?.sendsTexts).toBe(true);
    expectTextGrantsToMatch(shipped, handlers);
  });

  it('follows the flag, not the handler: moved to another handler, the grant moves with it', () => {
    expectTextGrantsToMatch(moved, movedFlagManifest.handlers);
    expect(textStatements(moved, 'mfa')).toEqual([]);
  });

  it('is the only End User Messaging permission in the stack', () => {
    const all = Object.values(resourcesOf(shipped.mainTemplate, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Cfn[],
    );
    const sms = all.filter((st) => actionsOf(st).some((a) => a.startsWith('sms-voice:')));
    expect([...new Set(sms.flatMap(actionsOf))].sort()).toEqual(SEND_ACTIONS);
    expect(sms.every((st) => st.Sid === SEND_TEXTS_SID)).toBe(true);
  });

  it('acknowledges its Resource::* finding on the flagged roles only, with the reason', () => {
    const acknowledgedOn = Object.entries(resourcesOf(shipped.mainTemplate, 'AWS::IAM::Policy'))
      .filter(([, policy]) =>
        ((policy.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Cfn[]).some(
          (rule) =>
            rule.id === 'AwsSolutions-IAM5[Resource::*]' && rule.reason === reasons.sendTextsAnyOrigin,
        ),
      )
      .flatMap(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref));
    const functions = resourcesOf(shipped.mainTemplate, 'AWS::Lambda::Function');
    const ids = functionIdsByHandler(shipped.mainTemplate);
    const flagged = Object.entries(handlers as Record<string, HandlerDefinition>)
      .filter(([, definition]) => definition.sendsTexts === true)
      .map(([name]) => functions[ids.get(name) as string]?.Properties.Role['Fn::GetAtt'][0]);
    expect(flagged.length).toBeGreaterThan(0);
    expect(acknowledgedOn.sort()).toEqual(flagged.sort());
  });
});

describe('the origination identity', () => {
  const variables = (s: Synthesized) =>
    Object.values(resourcesOf(s.mainTemplate, 'AWS::Lambda::Function'))
      .filter((fn) => fn.Properties?.Environment?.Variables?.VERITY_STAGE)
      .map((fn) => fn.Properties.Environment.Variables as Record<string, unknown>);

  it('reaches every handler as SMS_ORIGINATION_IDENTITY when the smsOriginationIdentity setting is set', () => {
    for (const env of variables(withOrigin)) {
      expect(env.SMS_ORIGINATION_IDENTITY).toBe('pool-0123456789abcdef0123456789abcdef');
    }
    for (const env of variables(shipped)) expect(env).not.toHaveProperty('SMS_ORIGINATION_IDENTITY');
  });

  it('never comes with the local outbox: a deployed handler always sends for real', () => {
    for (const s of [shipped, withOrigin]) {
      for (const env of variables(s)) expect(env).not.toHaveProperty('VERITY_LOCAL_TEXT_OUTBOX');
    }
  });
});
