/**
 * What the video call tests share: a member made ready for the call through the real
 * self-service steps (consent, documents uploaded to s3rver, details confirmed), agents signed in
 * through the hosted workforce sign-in pages against the run's cognito-local pool (the seeded
 * agent, or a workforce user made for the test, with any email), and the queue emptied between
 * tests: one queue serves the whole run, so an agent would otherwise take another test's member.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect, inject } from 'vitest';
import { documentClient, tableName } from '../../../../lambdas/store/dynamo.ts';
import * as queue from '../../../../lambdas/store/video-queue.ts';
import { Browser, createMember, type Member, type Page, signedIn } from '../../accounts/support.ts';
import { sampleDetails, startVerifying, throughDetails, throughDocuments } from '../support.ts';

const verity = inject('verity');

export interface ReadyMember {
  readonly member: Member;
  readonly browser: Browser;
  readonly details: ReturnType<typeof sampleDetails>;
}

/** A member whose documents passed and whose details are confirmed: ready for the video call. */
export async function readyForVideo(
  options: { confirmed?: readonly string[]; givenName?: string; details?: Record<string, string> } = {},
): Promise<ReadyMember> {
  const member = await createMember(options.confirmed ? { confirmed: options.confirmed } : {});
  const browser = await signedIn(member);
  const details = sampleDetails({
    ...options.details,
    ...(options.givenName ? { givenName: options.givenName } : {}),
  });
  await startVerifying(browser);
  const documents = await throughDocuments(browser);
  expect(documents.heading, documents.text).toBe('Your information');
  const confirmed = await throughDetails(browser, details.fields);
  expect(confirmed.status, confirmed.text).toBe(303);
  return { member, browser, details };
}

/** Presses Join the queue; answers the queue page. */
export async function joinQueue(browser: Browser): Promise<Page> {
  const joined = await browser.post('/verify/video', {});
  expect(joined.status, joined.text).toBe(303);
  expect(joined.location).toBe('/verify/video');
  return browser.follow(joined);
}

export async function status(browser: Browser): Promise<Record<string, unknown>> {
  const page = await browser.get('/verify/video/status', { accept: 'application/json' });
  expect(page.status, page.text).toBe(200);
  return JSON.parse(page.html) as Record<string, unknown>;
}

/** Every place in the queue leaves it (a test starts with nobody waiting). */
export async function emptyQueue(): Promise<void> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: tableName('ephemeral'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'VIDEOQUEUE' },
      ConsistentRead: true,
    }),
  );
  await Promise.all((Items ?? []).map((item) => queue.remove(item.sk as string)));
}

/* ---------------------------------------------------------------- agents */

const cognito = new CognitoIdentityProviderClient({});
const AGENT_PASSWORD = 'a long agent password 42';

export interface WorkforceUser {
  readonly username: string;
  readonly password: string;
}

export const seededAgent = (): WorkforceUser => {
  const user = verity.workforce.users.find((u) => u.group === 'agents');
  if (!user) throw new Error('no seeded agent');
  return user;
};

/** A workforce user of its own, in `group` (or none), with this email. */
export async function newWorkforceUser(
  group: 'agents' | 'partner-admins' | undefined,
  email = `agent-${randomUUID()}@verity.local`,
): Promise<WorkforceUser> {
  const poolId = verity.workforce.userPoolId;
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: poolId,
      Username: email,
      Password: AGENT_PASSWORD,
      Permanent: true,
    }),
  );
  if (group) {
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: group }),
    );
  }
  return { username: email, password: AGENT_PASSWORD };
}

/** A browser signed in to the agent console through its sign-in page. */
export async function agentBrowser(user: WorkforceUser = seededAgent()): Promise<Browser> {
  const browser = new Browser();
  const form = await browser.get('/agent/sign-in');
  expect(form.status, form.text).toBe(200);
  const signedInPage = await browser.submit(
    form,
    { action: '/agent/sign-in' },
    { username: user.username, password: user.password },
  );
  expect(signedInPage.status, signedInPage.text).toBe(303);
  expect(signedInPage.location).toBe('/agent');
  return browser;
}

/** Take the next member: answers the review's path. */
export async function takeNext(agent: Browser): Promise<string> {
  const queuePage = await agent.get('/agent');
  expect(queuePage.status, queuePage.text).toBe(200);
  const taken = await agent.submit(queuePage, { button: 'Take the next member' });
  expect(taken.status, taken.text).toBe(303);
  expect(taken.location).toMatch(/^\/agent\/reviews\/[\w-]{22}$/);
  return taken.location as string;
}

/** Presses a decision on the review page. */
export async function decide(
  agent: Browser,
  review: string,
  decision: 'approve' | 'deny' | 'fraud',
  reason?: string,
): Promise<Page> {
  const page = await agent.get(review);
  expect(page.status, page.text).toBe(200);
  const button = { approve: 'Approve', deny: 'Deny', fraud: 'Flag suspected fraud' }[decision];
  return agent.submit(page, { button }, reason ? { reason } : {});
}

/** The audit events of a review, as stored: ids and codes. */
export async function auditOf(reviewId: string, day: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: tableName('accounts'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${day}`, ':review': reviewId },
      FilterExpression: 'reviewId = :review',
    }),
  );
  return Items ?? [];
}
