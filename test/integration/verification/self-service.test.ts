/**
 * Self-service identity verification over HTTP, through every sandbox outcome: the documents
 * page's forms upload to the real s3rver, the sandbox vendors decide, the identity lands on the
 * account with its SSN claimed, and the pictures are gone.
 */
import { describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../lambdas/accounts/delete-account.ts';
import * as verificationStore from '../../../lambdas/store/verification.ts';
import { ssnClaimKey } from '../../../lambdas/store/verification.ts';
import { evidenceKey } from '../../../lambdas/verification/attempt.ts';
import { verifiedPerson } from '../../../lambdas/verification/verified-identity.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountItems,
  accountsTable,
  createMember,
  formsOf,
  getItem,
  mailTo,
  signedIn,
} from '../accounts/support.ts';
import {
  described,
  documentsPage,
  inBucket,
  latestCode,
  PICTURE,
  sampleDetails,
  startVerifying,
  testPorts,
  textsTo,
  throughDetails,
  throughDocuments,
  throughPhone,
  upload,
  verifyWithSandbox,
} from './support.ts';

const context = () => ({
  now: serverNow(),
  siteUrl: 'http://localhost',
  device: 'test',
  place: 'Unknown',
  ip: '127.0.0.1',
});

describe('self-service verification with the sandbox identity', () => {
  it('verifies the member: the identity is stored encrypted, the SSN claimed, every email told, the pictures deleted', async () => {
    const member = await createMember({
      confirmed: [`a-${Date.now()}@example.com`, `b-${Date.now()}@example.com`],
    });
    const browser = await signedIn(member);
    const details = sampleDetails();
    await startVerifying(browser);
    const attemptId = (await verificationStore.attemptOf(member.accountId))?.attemptId ?? '';
    await throughDocuments(browser);
    expect(await inBucket(evidenceKey(member.accountId, attemptId, 'selfie')), 'the selfie arrived').toBe(
      true,
    );
    await throughDetails(browser, details.fields);
    const result = await browser.follow(await throughPhone(browser, details.phone.e164));
    expect(result.heading).toBe('Your identity is verified');

    const identity = await verificationStore.identityOf(member.accountId);
    expect(identity).toMatchObject({
      method: 'self-service',
      level: 'IAL2',
      evidence: ['drivers-license', 'phone-account'],
    });
    // Nothing personal in the clear on the item.
    const raw = JSON.stringify(identity);
    for (const secret of [details.fields.ssn, '1985-04-12', '100 Main Street', details.phone.e164]) {
      expect(raw).not.toContain(secret);
    }
    const person = await verifiedPerson(
      member.accountId,
      identity as verificationStore.VerifiedIdentity,
      testPorts(),
    );
    expect(person).toMatchObject({
      givenName: 'Pat',
      familyName: 'Sample',
      ssn: details.fields.ssn,
      phone: details.phone.e164,
    });
    expect(await getItem(accountsTable(), ssnClaimKey(identity?.ssnKey ?? ''))).toMatchObject({
      accountId: member.accountId,
    });
    expect(await verificationStore.attemptOf(member.accountId)).toBeUndefined();
    for (const part of ['front', 'back', 'selfie'] as const) {
      expect(await inBucket(evidenceKey(member.accountId, attemptId, part)), part).toBe(false);
    }
    for (const address of member.confirmed) {
      expect((await mailTo(address)).map((m) => m.subject)).toContain('Your identity was verified');
    }
    const history = await browser.get('/account/history');
    expect(history.text).toContain('Identity verified');
  });

  it('verifies with a passport: the photo page and a selfie, no back', async () => {
    const browser = await signedIn(await createMember());
    const result = await verifyWithSandbox(browser, sampleDetails(), { type: 'passport' });
    expect(result.heading).toBe('Your identity is verified');
  });

  it('fills the information form from what the document check read', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    const details = await throughDocuments(browser, {
      front: described({ fields: { givenName: 'Robin', familyName: 'Example', birthdate: '1970-02-03' } }),
      back: described({}),
    });
    expect(details.heading).toBe('Your information');
    expect(details.html).toContain('value="Robin"');
    expect(details.html).toContain('value="Example"');
    expect(details.html).toContain('value="1970-02-03"');
    expect(details.html).not.toContain('Main Street');
  });

  it('continues where the member stopped, at every step, after leaving', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const where = async () => (await browser.get('/verify')).location;
    expect(await where()).toBe('/verify/start');
    await startVerifying(browser);
    expect(await where()).toBe('/verify/documents');
    // No document chosen yet: the page asks which one first, offers no upload, and keeps the consent.
    const chosen = await documentsPage(browser);
    expect(chosen.text).toContain('Which ID will you use?');
    expect(formsOf(chosen.html).filter((form) => form.hidden.key)).toEqual([]);

    const later = await signedIn(member);
    const details = sampleDetails();
    const info = await throughDocuments(later, {});
    expect(info.heading).toBe('Your information');
    expect(await (async () => (await later.get('/verify')).location)()).toBe('/verify/details');
    await throughDetails(later, details.fields);
    expect((await later.get('/verify')).location).toBe('/verify/phone');
    const phone = await later.get('/verify/phone');
    await later.submit(phone, { button: 'Send code' });

    // Another browser, another day: the code page, with nothing lost.
    const again = await signedIn(member);
    const codePage = await again.get('/verify/phone');
    expect(codePage.text).toContain('We sent a 6-digit code');
    const details2 = await again.get('/verify/details');
    expect(details2.html).toContain('value="Pat"');
    expect(details2.html, 'the SSN is never shown again').not.toContain(details.fields.ssn);
  });
});

describe('pictures that need another try', () => {
  for (const [problem, words] of [
    ['blur', 'it is blurry'],
    ['glare', 'there is glare on it'],
    ['cropped', 'part of it is cut off'],
  ] as const) {
    it(`says at once that a ${problem} front cannot be read, and why, without counting a try`, async () => {
      const browser = await signedIn(await createMember());
      await startVerifying(browser);
      const page = await throughDocuments(browser, { front: described({ quality: problem }) });
      expect(page.heading).toBe('Your ID and a selfie');
      expect(page.text).toContain(`We could not read the front of your id: ${words}`);
      expect(page.text).toContain('This did not count as a try.');
    });
  }

  it('asks for the selfie again when it shows no face', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    const page = await throughDocuments(browser, { selfie: described({ face: 'none' }) });
    expect(page.text).toContain('We could not read the selfie: we could not find a face in it.');
  });

  it('says a file that is not a picture is not one', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    const page = await throughDocuments(browser, { back: new TextEncoder().encode('hello, not a picture') });
    expect(page.text).toContain(
      'We could not read the back of your id: it is not a JPEG, PNG or HEIC picture.',
    );
  });

  it('passes once the unreadable picture is taken again (the problem clears with the new picture)', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    await throughDocuments(browser, { front: described({ quality: 'glare' }) });
    const retaken = await upload(browser, 'front', PICTURE);
    expect(retaken.text).not.toContain('Take the front of your id again');
    const checked = await browser.submit(retaken, { button: 'Check my ID and selfie' });
    expect(checked.location).toBe('/verify/details');
  });

  it('unreadable pictures never use up the document checks: the sixth in a row is still read', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    await throughDocuments(browser, { front: described({ quality: 'blur' }) });
    for (let i = 0; i < 5; i++) {
      await upload(browser, 'front', described({ quality: 'blur' }));
      const page = await documentsPage(browser);
      const checked = await browser.submit(page, { button: 'Check my ID and selfie' });
      expect(checked.status, checked.text).toBe(303);
    }
    const last = await upload(browser, 'front', PICTURE);
    const checked = await browser.submit(last, { button: 'Check my ID and selfie' });
    expect(checked.location).toBe('/verify/details');
  });

  it('says exactly what to fix for a document that is not genuine, and offers the video call', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    const page = await throughDocuments(browser, { back: described({ authentic: false }) });
    expect(page.text).toContain('We could not confirm that your ID is genuine and current.');
    expect(page.text).toContain('Verify with a short video call');
  });

  it('says the selfie did not match the photo on the ID', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    const page = await throughDocuments(browser, { front: described({ portrait: 'mismatch' }) });
    expect(page.text).toContain('Your selfie did not match the photo on your ID.');
  });
});

describe('records and the phone', () => {
  it('gives the same generic answer for a name records do not know, a date of death and an unknown SSN', async () => {
    const texts: string[] = [];
    const cases: Record<string, string>[] = [
      { givenName: 'Badger' },
      { givenName: 'Deceased' },
      { ssn: '123-45-6789' },
    ];
    for (const overrides of cases) {
      const browser = await signedIn(await createMember());
      const result = await verifyWithSandbox(browser, sampleDetails(overrides));
      expect(result.heading).toBe('We could not verify your identity');
      expect(result.text).toContain('Verify with a short video call');
      texts.push(result.text);
    }
    expect(new Set(texts).size, 'nobody learns which field did not match').toBe(1);
  });

  it('asks to try again when records time out, keeping the phone it proved', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const details = sampleDetails({ givenName: 'Time' });
    await startVerifying(browser);
    await throughDocuments(browser);
    await throughDetails(browser, details.fields);
    const answer = await throughPhone(browser, details.phone.e164);
    expect(answer.status).toBe(409);
    expect(answer.text).toContain('The records service did not answer in time');
    expect(answer.text).toContain('Finish verifying');
    expect((await verificationStore.attemptOf(member.accountId))?.phoneProvenAt).toBeDefined();
  });

  it("refuses a phone that is not the member's, and takes another", async () => {
    const browser = await signedIn(await createMember());
    const details = sampleDetails({ phone: '202-555-5555' });
    await startVerifying(browser);
    await throughDocuments(browser);
    await throughDetails(browser, details.fields);
    const phone = await browser.get('/verify/phone');
    const refused = await browser.submit(phone, { button: 'Send code' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('The phone ending in 5555 is not registered in your name.');
    expect(await textsTo('+12025555555')).toEqual([]);
    const other = sampleDetails();
    await throughDetails(browser, { ...details.fields, phone: other.phone.typed });
    const done = await throughPhone(browser, other.phone.e164);
    expect(done.location).toBe('/verify/result');
  });

  it('says when the phone check times out, sending nothing', async () => {
    const browser = await signedIn(await createMember());
    const details = sampleDetails({ phone: '202-555-0000' });
    await startVerifying(browser);
    await throughDocuments(browser);
    await throughDetails(browser, details.fields);
    const phone = await browser.get('/verify/phone');
    const answer = await browser.submit(phone, { button: 'Send code' });
    expect(answer.text).toContain('The records service did not answer in time');
  });

  it('a phone code sent twice at once verifies once', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const details = sampleDetails();
    await startVerifying(browser);
    await throughDocuments(browser);
    await throughDetails(browser, details.fields);
    const phone = await browser.get('/verify/phone');
    const codePage = await browser.follow(await browser.submit(phone, { button: 'Send code' }));
    const code = await latestCode(details.phone.e164);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => browser.submit(codePage, { button: 'Confirm phone' }, { code })),
    );
    expect(answers.filter((a) => a.location === '/verify/result')).toHaveLength(1);
    const history = (await accountItems(member.accountId)).filter((i) => i.type === 'identity-verified');
    expect(history).toHaveLength(1);
    expect(await verificationStore.identityOf(member.accountId)).toBeDefined();
  });

  it('refuses a wrong phone code', async () => {
    const browser = await signedIn(await createMember());
    const details = sampleDetails();
    await startVerifying(browser);
    await throughDocuments(browser);
    await throughDetails(browser, details.fields);
    const phone = await browser.get('/verify/phone');
    const codePage = await browser.follow(await browser.submit(phone, { button: 'Send code' }));
    const wrong = await browser.submit(codePage, { button: 'Confirm phone' }, { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is not right');
  });
});

describe('one verified identity per SSN', () => {
  it('stops a second account proving a verified SSN, saying how to recover the other and nothing about it', async () => {
    const first = await createMember();
    const details = sampleDetails();
    expect((await verifyWithSandbox(await signedIn(first), details)).heading).toBe(
      'Your identity is verified',
    );
    const second = await signedIn(await createMember());
    await startVerifying(second);
    await throughDocuments(second);
    const stopped = await throughDetails(second, { ...details.fields, phone: sampleDetails().phone.typed });
    expect(stopped.status).toBe(409);
    expect(stopped.heading).toBe('This identity is already verified on another account');
    expect(stopped.text).toContain('Forgot password?');
    expect(stopped.text).not.toContain(first.primary);
  });

  it('of two accounts verifying the same SSN at once, exactly one wins', async () => {
    const ssn = sampleDetails().fields.ssn;
    const members = await Promise.all([createMember(), createMember()]);
    const browsers = await Promise.all(members.map((m) => signedIn(m)));
    const phones = browsers.map(() => sampleDetails({ ssn }));
    const codePages = await Promise.all(
      browsers.map(async (browser, i) => {
        await startVerifying(browser);
        await throughDocuments(browser);
        await throughDetails(browser, phones[i]?.fields ?? {});
        const phone = await browser.get('/verify/phone');
        return browser.follow(await browser.submit(phone, { button: 'Send code' }));
      }),
    );
    const codes = await Promise.all(phones.map((p) => latestCode(p.phone.e164)));
    const answers = await Promise.all(
      codePages.map((page, i) =>
        browsers[i]?.submit(page, { button: 'Confirm phone' }, { code: codes[i] ?? '' }),
      ),
    );
    const verified = answers.filter((a) => a?.location === '/verify/result');
    const stopped = answers.filter(
      (a) => a?.heading === 'This identity is already verified on another account',
    );
    expect(verified).toHaveLength(1);
    expect(stopped).toHaveLength(1);
    const identities = await Promise.all(members.map((m) => verificationStore.identityOf(m.accountId)));
    expect(identities.filter(Boolean)).toHaveLength(1);
  });

  it('deleting the account deletes the identity and frees the SSN', async () => {
    const member = await createMember();
    const details = sampleDetails();
    await verifyWithSandbox(await signedIn(member), details);
    const ssnKey = (await verificationStore.identityOf(member.accountId))?.ssnKey ?? '';
    await deleteAccount(member.accountId, context(), { mail: { send: async () => {} } });
    expect(await accountItems(member.accountId)).toEqual([]);
    expect(await getItem(accountsTable(), ssnClaimKey(ssnKey))).toBeUndefined();
    const next = await createMember();
    expect((await verifyWithSandbox(await signedIn(next), details)).heading).toBe(
      'Your identity is verified',
    );
  });
});
