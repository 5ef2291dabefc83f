/**
 * The video call with an agent, over HTTP against the local Verity: the member's queue (place,
 * wait, leaving and coming back), agents signed in through the hosted workforce sign-in pages,
 * taking members (two agents at once get two members), and the decisions: approval, denial with
 * a reason, a fraud flag, and the refusal on an account that holds the agent's own email. One
 * queue serves the whole run: these tests run one after another, each from an empty queue.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import * as verificationStore from '../../../../lambdas/store/verification.ts';
import * as queue from '../../../../lambdas/store/video-queue.ts';
import { evidenceKey } from '../../../../lambdas/verification/attempt.ts';
import { advanceClock, serverNow } from '../../../support/clock.ts';
import { accountItems, Browser, createMember, findForm, mailTo, signedIn } from '../../accounts/support.ts';
import { inBucket, sampleDetails, verifyWithSandbox } from '../support.ts';
import {
  agentBrowser,
  auditOf,
  decide,
  emptyQueue,
  joinQueue,
  newWorkforceUser,
  readyForVideo,
  status,
  takeNext,
} from './support.ts';

beforeEach(emptyQueue);

const reviewIdOf = (path: string) => path.split('/').pop() as string;
const today = () => serverNow().toISOString().slice(0, 10);

async function evidenceOf(accountId: string): Promise<string[]> {
  const attempt = await verificationStore.attemptOf(accountId);
  if (!attempt) throw new Error('no attempt');
  return (['front', 'back', 'selfie'] as const).map((part) =>
    evidenceKey(accountId, attempt.attemptId, part),
  );
}

describe('the queue', () => {
  it('shows each member their place and the wait, updated by polling; leaving keeps the place 10 minutes, then it is released', async () => {
    const first = await readyForVideo();
    const second = await readyForVideo();

    const firstPage = await joinQueue(first.browser);
    expect(firstPage.heading).toBe('You are in the queue');
    expect(firstPage.text).toContain('You are number 1 in line');
    expect(firstPage.text).toContain('about 0 minutes');
    expect(firstPage.html).toContain('src="/assets/verity/video-queue.js"');
    expect(findForm(firstPage, { button: 'Leave the queue' }).action).toBe('/verify/video/leave');

    const secondPage = await joinQueue(second.browser);
    expect(secondPage.text).toContain('You are number 2 in line');
    expect(secondPage.text).toContain('about 5 minutes');
    expect(await status(second.browser)).toEqual({ state: 'waiting', position: 2, waitMinutes: 5 });

    // Joining twice keeps the place.
    await joinQueue(first.browser);
    expect(await status(first.browser)).toEqual({ state: 'waiting', position: 1, waitMinutes: 0 });

    const left = await first.browser.submit(await first.browser.get('/verify/video'), {
      button: 'Leave the queue',
    });
    expect(left.heading).toBe('You left the queue');
    expect(left.text).toContain('We keep your place for 10 minutes');
    // The place is kept: the second member is still second.
    expect(await status(second.browser)).toMatchObject({ position: 2 });

    advanceClock(6 * 60);
    const back = await first.browser.get('/verify/video');
    expect(back.heading).toBe('You are in the queue');
    expect(back.text).toContain('You are number 1 in line');
    expect(await status(second.browser)).toMatchObject({ position: 2 });

    await first.browser.submit(back, { button: 'Leave the queue' });
    advanceClock(6 * 60);
    expect(await status(second.browser)).toMatchObject({ position: 2 });
    advanceClock(5 * 60);

    const released = await first.browser.get('/verify/video');
    expect(released.heading).toBe('Your place was released');
    expect(await status(second.browser)).toEqual({ state: 'waiting', position: 1, waitMinutes: 0 });

    const again = await first.browser.submit(released, { button: 'Join the queue again' });
    expect(again.status).toBe(303);
    expect((await first.browser.follow(again)).text).toContain('You are number 2 in line');
  });

  it('joining twice at once (a double press, two tabs) leaves one place in the queue', async () => {
    const { member, browser } = await readyForVideo();
    const offer = await browser.get('/verify/video');
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => browser.submit(offer, { button: 'Join the queue' })),
    );
    for (const answer of answers) expect(answer.location).toBe('/verify/video');
    const places = (await queue.waiting(serverNow())).filter((p) => p.accountId === member.accountId);
    expect(places).toHaveLength(1);
    expect(await status(browser)).toEqual({ state: 'waiting', position: 1, waitMinutes: 0 });
  });

  it('sends a member who is not ready to the step that is missing, and does not queue them', async () => {
    const { member, browser } = await readyForVideo();
    const attempt = await verificationStore.attemptOf(member.accountId);
    if (!attempt) throw new Error('no attempt');
    const { revision, detailsConfirmedAt: _confirmed, ...rest } = attempt;
    expect(await verificationStore.saveAttempt(member.accountId, rest, revision)).not.toBe('changed');
    const join = await browser.post('/verify/video', {});
    expect(join.status).toBe(303);
    expect(join.location).toBe('/verify/details');
    expect((await verificationStore.attemptOf(member.accountId))?.queueEntry).toBeUndefined();
  });

  it('shows agents how many wait and for how long, and nothing about who they are', async () => {
    const agent = await agentBrowser();
    expect((await agent.get('/agent')).text).toContain('Nobody is waiting');
    const ready = await readyForVideo();
    await joinQueue(ready.browser);
    const page = await agent.get('/agent');
    expect(page.text).toContain('1 member is waiting');
    for (const personal of [ready.member.primary, ready.details.fields.givenName, ready.member.accountId])
      expect(page.html).not.toContain(personal);
  });
});

describe('taking members', () => {
  it('gives two agents who press at once two different members', async () => {
    const ada = await readyForVideo({ givenName: 'Ada' });
    const ben = await readyForVideo({ givenName: 'Ben' });
    await joinQueue(ada.browser);
    await joinQueue(ben.browser);
    const [one, two] = await Promise.all([agentBrowser(), agentBrowser(await newWorkforceUser('agents'))]);
    const [first, second] = await Promise.all([takeNext(one), takeNext(two)]);
    expect(first).not.toBe(second);
    const names = [(await one.get(first)).text, (await two.get(second)).text].map((t) =>
      t.includes('Ada Sample') ? 'Ada' : t.includes('Ben Sample') ? 'Ben' : 'nobody',
    );
    expect(names.sort()).toEqual(['Ada', 'Ben']);
    // A third press finds nobody.
    const none = await one.submit(await one.get('/agent'), { button: 'Take the next member' });
    expect(none.location).toBe('/agent?notice=empty');
    // Each member is called.
    for (const member of [ada, ben]) {
      expect((await member.browser.get('/verify/video')).heading).toBe('An agent is ready for you');
      expect(await status(member.browser)).toEqual({ state: 'called' });
    }
    // Only the agent who took a review sees it.
    expect((await one.get(second)).status).toBe(403);
  });
});

describe('decisions', () => {
  it('approves: the identity is written by video, the member told by mail, the pictures deleted, every action audited', async () => {
    const { member, browser, details } = await readyForVideo();
    const keys = await evidenceOf(member.accountId);
    await joinQueue(browser);
    const agent = await agentBrowser();
    const review = await takeNext(agent);

    const page = await agent.get(review);
    expect(page.heading).toBe('Review');
    expect(page.text).toContain('Pat Sample');
    expect(page.text).toContain(`•••-••-${details.fields.ssn.slice(-4)}`);
    expect(page.html).not.toContain(details.fields.ssn);
    const pictures = [
      ...page.html.matchAll(/<img src="([^"]+)" alt="(Document, front|Document, back|Selfie)"/g),
    ];
    expect(pictures).toHaveLength(3);
    const pictureUrl = (pictures[0]?.[1] ?? '').replace(/&amp;/g, '&');
    expect(String(page.headers['content-security-policy'])).toContain(
      `img-src 'self' data: ${new URL(pictureUrl).origin}`,
    );
    // The bucket sends no Cross-Origin-Resource-Policy: only a credentialless page may show its pictures.
    expect(page.headers['cross-origin-embedder-policy']).toBe('credentialless');
    expect((await fetch(pictureUrl)).status).toBe(200);

    // The member joins the call; the agent sees it too.
    const called = await browser.get('/verify/video');
    expect(called.heading).toBe('An agent is ready for you');
    expect(called.html).toContain('href="/verify/call"');
    const call = await browser.get('/verify/call');
    expect(call.heading).toBe('Video call');
    expect(call.text).toContain('The agent will tell you when it is done');
    expect((await agent.get(`${review}/call`)).heading).toBe('Video call');

    const approved = await decide(agent, review, 'approve');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.heading).toBe('Approved');

    const identity = await verificationStore.identityOf(member.accountId);
    expect(identity).toMatchObject({
      method: 'video',
      level: 'IAL2',
      agent: expect.any(String),
    });
    for (const key of keys) expect(await inBucket(key)).toBe(false);
    expect((await mailTo(member.primary)).map((m) => m.subject)).toContain('Your identity was verified');
    const next = await browser.get('/verify/video');
    expect(next.location).toBe('/verify/result');
    expect(await status(browser)).toEqual({ state: 'decided' });

    const events = await auditOf(reviewIdOf(review), today());
    expect(events.map((e) => e.event).sort()).toEqual(
      ['agent-approved', 'agent-took-member', 'agent-viewed-review', 'agent-viewed-review'].sort(),
    );
    const raw = JSON.stringify(events);
    for (const personal of [details.fields.ssn, member.primary, 'Pat', details.fields.birthdate])
      expect(raw).not.toContain(personal);
  });

  it('denies with a reason: the attempt ends denied, the member hears the reason, the pictures are deleted, a second decision is refused', async () => {
    const { member, browser } = await readyForVideo();
    const keys = await evidenceOf(member.accountId);
    await joinQueue(browser);
    const agent = await agentBrowser();
    const review = await takeNext(agent);
    const reviewPage = await agent.get(review);
    const denied = await agent.submit(reviewPage, { button: 'Deny' }, { reason: 'document-mismatch' });
    expect(denied.status, denied.text).toBe(200);
    expect(denied.heading).toBe('Denied');

    expect(await verificationStore.attemptOf(member.accountId)).toMatchObject({
      outcome: 'denied',
      denialReason: 'document-mismatch',
    });
    expect(await verificationStore.identityOf(member.accountId)).toBeUndefined();
    for (const key of keys) expect(await inBucket(key)).toBe(false);
    const mail = (await mailTo(member.primary)).find(
      (m) => m.subject === 'We could not verify your identity',
    );
    expect(mail?.text).toContain('did not match the one you uploaded');
    const history = (await accountItems(member.accountId)).filter((i) => i.type === 'identity-not-verified');
    expect(history).toHaveLength(1);
    expect((await browser.get('/verify/video')).location).toBe('/verify/result');

    // The decision form of the page shown before: a second decision.
    const again = await agent.submit(reviewPage, { button: 'Flag suspected fraud' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('decided already');
    expect((await verificationStore.attemptOf(member.accountId))?.outcome).toBe('denied');
  });

  it('lets a denied member start over, and decisions sent at once have exactly one winner', async () => {
    const { member, browser } = await readyForVideo();
    await joinQueue(browser);
    const agent = await agentBrowser();
    const review = await takeNext(agent);
    const page = await agent.get(review);
    const answers = await Promise.all([
      agent.submit(page, { button: 'Deny' }, { reason: 'person-mismatch' }),
      agent.submit(page, { button: 'Deny' }, { reason: 'document-unclear' }),
      agent.submit(page, { button: 'Deny' }, { reason: 'call-ended' }),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(2);
    const history = (await accountItems(member.accountId)).filter((i) => i.type === 'identity-not-verified');
    expect(history).toHaveLength(1);
    expect((await verificationStore.attemptOf(member.accountId))?.outcome).toBe('denied');

    const result = await browser.get('/verify/result');
    const again = await browser.submit(result, { button: 'Start over' });
    expect(again.location).toBe('/verify');
    expect((await browser.get('/verify')).location).toBe('/verify/start');
    expect(await verificationStore.attemptOf(member.accountId)).toBeUndefined();
  });

  it('flags suspected fraud: the attempt ends as fraud, and the member is told only that it could not be verified', async () => {
    const { member, browser } = await readyForVideo();
    const keys = await evidenceOf(member.accountId);
    await joinQueue(browser);
    const agent = await agentBrowser();
    const review = await takeNext(agent);
    const flagged = await decide(agent, review, 'fraud');
    expect(flagged.heading).toBe('Flagged as suspected fraud');
    expect((await verificationStore.attemptOf(member.accountId))?.outcome).toBe('fraud');
    for (const key of keys) expect(await inBucket(key)).toBe(false);
    const mail = (await mailTo(member.primary)).find(
      (m) => m.subject === 'We could not verify your identity',
    );
    expect(mail).toBeDefined();
    expect(mail?.text.toLowerCase()).not.toContain('fraud');
    // A member flagged cannot queue again.
    const join = await browser.post('/verify/video', {});
    expect(join.location).toBe('/verify/result');
    const events = await auditOf(reviewIdOf(review), today());
    expect(events.map((e) => e.event)).toContain('agent-flagged-fraud');
  });

  it('refuses an agent on a member account that holds their own email, with an audit event, and changes nothing', async () => {
    const agentEmail = `agent-own-${Date.now()}@example.com`;
    const { member, browser } = await readyForVideo({
      confirmed: [`member-${Date.now()}@example.com`, agentEmail],
    });
    await joinQueue(browser);
    // The same mailbox, spelled another way.
    const agent = await agentBrowser(await newWorkforceUser('agents', agentEmail.toUpperCase()));
    const review = await takeNext(agent);
    const refused = await decide(agent, review, 'approve');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('their account holds your own email address');
    expect(await verificationStore.identityOf(member.accountId)).toBeUndefined();
    expect((await verificationStore.attemptOf(member.accountId))?.outcome).toBeUndefined();
    const events = await auditOf(reviewIdOf(review), today());
    expect(events.map((e) => e.event)).toContain('agent-refused-own-account');
  });
});

describe('the agent console refuses bad input with pages, never a 5xx', () => {
  it('answers review ids of the wrong shape, and unknown ones, with a 404 page', async () => {
    const agent = await agentBrowser();
    for (const path of [
      '/agent/reviews/not-an-id',
      '/agent/reviews/AAAAAAAAAAAAAAAAAAAAAA',
      '/agent/reviews/x/call',
    ]) {
      const page = await agent.get(path);
      expect(page.status, path).toBe(404);
      expect(page.headers['content-type']).toContain('text/html');
    }
    await agent.get('/agent');
    const decided = await agent.post('/agent/reviews/AAAAAAAAAAAAAAAAAAAAAA/decide', { decision: 'approve' });
    expect(decided.status).toBe(404);
    const forms: Record<string, string>[] = [
      { decision: 'maybe' },
      { decision: 'deny', reason: 'because' },
      { decision: 'deny' },
    ];
    for (const form of forms) {
      const refused = await agent.post('/agent/reviews/AAAAAAAAAAAAAAAAAAAAAA/decide', form);
      expect(refused.status, JSON.stringify(form)).toBe(400);
      expect(refused.text).toContain('Choose Approve, Deny with a reason, or Flag suspected fraud');
    }
  });

  it('sends a browser without a valid workforce cookie to the sign-in page, and a non-agent to a 403 page', async () => {
    const agent = await agentBrowser();
    const cookie = [...agent.jar].find(([name]) => name === '__Secure-verity-agent')?.[1] ?? '';
    const [header, payload, signature] = cookie.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['agents', 'x'] })).toString(
      'base64url',
    );
    agent.jar.set('__Secure-verity-agent', `${header}.${forged}.${signature}`);
    const page = await agent.get('/agent');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/agent/sign-in');
    agent.jar.delete('__Secure-verity-agent');
    expect((await agent.get('/agent')).location).toBe('/agent/sign-in');

    const admin = await agentBrowser(await newWorkforceUser('partner-admins'));
    const forbidden = await admin.get('/agent');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-type']).toContain('text/html');
  });

  it('says a wrong password on the sign-in page, and signing out clears the cookie', async () => {
    const anyone = new Browser();
    const form = await anyone.get('/agent/sign-in');
    const wrong = await anyone.submit(
      form,
      { action: '/agent/sign-in' },
      { username: 'agent@verity.local', password: 'wrong password 123' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The username or password is not right');

    const agent = await agentBrowser();
    const console = await agent.get('/agent');
    const out = await agent.submit(console, { action: '/agent/sign-out' });
    expect(out.location).toBe('/agent/sign-in');
    expect(out.setCookies.join()).toMatch(/__Secure-verity-agent=; Path=\/agent;.*Max-Age=0/);
    expect((await agent.get('/agent')).location).toBe('/agent/sign-in');
  });
});

/**
 * The log scan. Every verification flow runs with personal data of its own (a self-service
 * verification, records that do not match, the video call approved and denied); then every line
 * every handler logged in this run (the local Verity's output, verity.log) is read, and none holds
 * the submitted SSN, date of birth, address or phone, in any of the ways they were typed or
 * stored. Here, with the video tests, because it uses the one queue.
 */
describe('nothing personal in the logs', () => {
  it('no handler logs the SSN, date of birth, address or phone of any verification flow', async () => {
    const people = Array.from({ length: 4 }, (_, i) => {
      const year = 1950 + randomInt(0, 50);
      const month = String(randomInt(1, 13)).padStart(2, '0');
      const day = String(randomInt(1, 29)).padStart(2, '0');
      return {
        birthdate: `${year}-${month}-${day}`,
        street: `${randomInt(1000, 10_000)} Quillfeather ${['Road', 'Lane', 'Way', 'Court'][i]}`,
        city: `Zephyr${['ton', 'ville', 'burg', 'field'][i]}`,
      };
    });
    const flows: ReturnType<typeof sampleDetails>[] = [];

    // Self-service, verified.
    const selfService = sampleDetails({ ...people[0] });
    flows.push(selfService);
    const verified = await verifyWithSandbox(await signedIn(await createMember()), selfService);
    expect(verified.heading).toBe('Your identity is verified');

    // Self-service, records do not match.
    const notMatched = sampleDetails({ ...people[1], givenName: 'Badger' });
    flows.push(notMatched);
    const failed = await verifyWithSandbox(await signedIn(await createMember()), notMatched);
    expect(failed.heading).toBe('We could not verify your identity');

    // The video call: one approved, one denied.
    for (const [person, decision] of [
      [people[2], 'approve'],
      [people[3], 'deny'],
    ] as const) {
      const ready = await readyForVideo({ details: { ...person } });
      flows.push(ready.details);
      await joinQueue(ready.browser);
      const agent = await agentBrowser();
      const review = await takeNext(agent);
      const decided = await decide(
        agent,
        review,
        decision,
        decision === 'deny' ? 'person-mismatch' : undefined,
      );
      expect(decided.status, decided.text).toBeLessThan(400);
    }

    const log = readFileSync(join(inject('verity').dataDir, 'verity.log'), 'utf8');
    // The handlers log at every level in tests: the request lines of these flows are there.
    for (const route of [
      'POST /verify/details',
      'POST /verify/phone/code',
      'POST /agent/reviews/{reviewId}/decide',
    ]) {
      expect(log, `the log has the ${route} requests`).toContain(route);
    }
    for (const { fields, phone } of flows) {
      const ssn = fields.ssn.replace(/\D/g, '');
      const digits = phone.e164.slice(2);
      const forms = [
        // Digits alone only where no other digit touches them (timestamps are long digit runs).
        new RegExp(`(?<!\\d)${ssn}(?!\\d)`),
        new RegExp(`${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}`),
        new RegExp(`(?<!\\d)${digits}(?!\\d)`),
        new RegExp(literally(phone.e164)),
        new RegExp(literally(phone.typed)),
        new RegExp(literally(fields.birthdate ?? '')),
        new RegExp(literally(fields.street ?? '')),
        new RegExp(literally(fields.city ?? '')),
      ];
      for (const form of forms) expect(log, `the log holds ${form}`).not.toMatch(form);
    }
  });
});

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
