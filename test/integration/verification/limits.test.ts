/**
 * The verification limits, each taken before the vendor is asked, against concurrent requests:
 * document checks 5 per 6 hours per account, records checks 5 per 6 hours per account, checks
 * of one SSN 10 per hour across all accounts. Each limit's end runs the domain step at a later
 * `now` instead of moving the shared clock hours ahead under other tests' sessions.
 */
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../lambdas/accounts/context.ts';
import { isProblem } from '../../../lambdas/core/problems.ts';
import * as verificationStore from '../../../lambdas/store/verification.ts';
import { checkDocuments, provePhone } from '../../../lambdas/verification/self-service.ts';
import { SAMPLE_IDENTITY } from '../../../lambdas/verification/vendors/description.ts';
import { DETAILS_FIELD, ssnKeyOf } from '../../../lambdas/verification/verified-identity.ts';
import { serverNow } from '../../support/clock.ts';
import { createMember, signedIn } from '../accounts/support.ts';
import { described, documentsPage, startVerifying, testPorts, throughDocuments, upload } from './support.ts';

const HOUR = 3600_000;
const contextAt = (now: Date): RequestContext => ({
  now,
  siteUrl: 'http://localhost:3000',
  device: 'test',
  place: 'Unknown',
  ip: '127.0.0.1',
});
/** Records checks that fail never verify anyone, so no mail goes; the port is still required. */
const ports = { ...testPorts(), mail: { send: async () => {} } };

const outcomeOf = (error: unknown) =>
  isProblem(error, 'VerificationThrottled')
    ? `throttled:${error.problem.what}`
    : isProblem(error)
      ? error.problem.kind
      : 'other';

/** An attempt whose phone is proven, as the phone step leaves it: the next step is the records check. */
async function readyForRecords(accountId: string, person: { givenName: string; ssn: string }) {
  const { documentNumber: _number, expiresOn: _expires, ...sample } = SAMPLE_IDENTITY;
  const details = { ...sample, givenName: person.givenName, ssn: person.ssn, phone: '+12025550123' };
  const at = serverNow().toISOString();
  const read = await verificationStore.attemptOf(accountId);
  const saved = await verificationStore.saveAttempt(
    accountId,
    {
      attemptId: read?.attemptId ?? `attempt-${accountId}`.slice(0, 22),
      startedAt: at,
      updatedAt: at,
      consentedAt: at,
      biometricConsentAt: at,
      documentType: 'drivers-license',
      uploads: { front: at, back: at, selfie: at },
      documentsPassedAt: at,
      details: await ports.cipher.encrypt(JSON.stringify(details), { accountId, field: DETAILS_FIELD }),
      detailsConfirmedAt: at,
      ssnKey: await ssnKeyOf(person.ssn, ports),
      phoneLast4: '0123',
      phoneCodeSentAt: at,
      phoneProvenAt: at,
    },
    read?.revision,
  );
  expect(saved).not.toBe('changed');
}

describe('document checks: 5 per 6 hours per account', () => {
  it('ten checks sent at once get five tries; the rest are told when to come back', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    await startVerifying(browser);
    const failed = await throughDocuments(browser, { front: described({ authentic: false }) });
    expect(failed.text).toContain('genuine');
    // One try is used; nine more at once.
    const page = await documentsPage(browser);
    const answers = await Promise.all(
      Array.from({ length: 9 }, () => browser.submit(page, { button: 'Check my ID and selfie' })),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.text).toContain('You have checked documents 5 times in the last 6 hours.');
    expect(refused[0]?.text).toMatch(/come back in \d+ (hours|minutes)/);
    expect(answers.filter((a) => a.status === 303)).toHaveLength(4);
    const sixth = await browser.submit(page, { button: 'Check my ID and selfie' });
    expect(sixth.status).toBe(429);

    // Twelve hours on, no 6-hour span can hold five of these: the check runs again.
    await upload(browser, 'front', described({ quality: 'blur' }));
    const later = await checkDocuments(
      member.accountId,
      contextAt(new Date(serverNow().getTime() + 12 * HOUR)),
      ports,
    );
    expect(later.kind).toBe('unreadable');
  });
});

describe('records checks: 5 per 6 hours per account', () => {
  it('finishes sent three at a time ask records exactly five times before the limit refuses; after it ends, records are asked again', async () => {
    const member = await createMember();
    const now = serverNow();
    let asked = 0;
    const records = ports.vendors.records;
    const counting = {
      ...ports,
      vendors: {
        ...ports.vendors,
        records: {
          ...records,
          check: (person: Parameters<typeof records.check>[0]) => {
            asked++;
            return records.check(person);
          },
        },
      },
    };
    const outcomes: string[] = [];
    // Each failed check ends the attempt, so every round starts a new one, until the limit refuses.
    for (let round = 0; round < 10 && !outcomes.includes('throttled:records'); round++) {
      await readyForRecords(member.accountId, { givenName: 'Bad', ssn: '900112222' });
      const answers = await Promise.allSettled(
        Array.from({ length: 3 }, () => provePhone(member.accountId, undefined, contextAt(now), counting)),
      );
      for (const answer of answers)
        outcomes.push(answer.status === 'fulfilled' ? answer.value : outcomeOf(answer.reason));
    }
    expect(outcomes).toContain('throttled:records');
    expect(asked).toBe(5);
    await readyForRecords(member.accountId, { givenName: 'Bad', ssn: '900112222' });
    const later = await provePhone(
      member.accountId,
      undefined,
      contextAt(new Date(now.getTime() + 12 * HOUR)),
      counting,
    );
    expect(later).toBe('could-not-verify');
    expect(asked).toBe(6);
  });
});

describe('checks of one SSN: 10 per hour across all accounts', () => {
  it('eleven accounts checking one SSN at once: ten reach records, one is told to come back', async () => {
    const ssn = `900${String(Date.now()).slice(-6)}`;
    const members = await Promise.all(Array.from({ length: 11 }, () => createMember({ mfa: false })));
    await Promise.all(members.map((m) => readyForRecords(m.accountId, { givenName: 'Bad', ssn })));
    const now = serverNow();
    const answers = await Promise.allSettled(
      members.map((m) => provePhone(m.accountId, undefined, contextAt(now), ports)),
    );
    const outcomes = answers.map((a) => (a.status === 'fulfilled' ? a.value : outcomeOf(a.reason)));
    expect(outcomes.filter((o) => o === 'could-not-verify')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'throttled:ssn')).toHaveLength(1);
    const refused = members[outcomes.indexOf('throttled:ssn')];
    if (!refused) throw new Error('no refused account');
    // The refused account's own records limit was given back: only the SSN's limit held it.
    const later = await provePhone(
      refused.accountId,
      undefined,
      contextAt(new Date(now.getTime() + 2 * HOUR)),
      ports,
    );
    expect(later).toBe('could-not-verify');
  });
});
