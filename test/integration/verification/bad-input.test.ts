/**
 * Hostile and malformed input to the verification pages: a clear 4xx page, never a 5xx (the
 * support's guard fails any test that saw one), and nothing of the attempt lost.
 */
import { describe, expect, it } from 'vitest';
import * as verificationStore from '../../../lambdas/store/verification.ts';
import { createMember, signedIn } from '../accounts/support.ts';
import { startVerifying, throughDocuments } from './support.ts';

describe('bad input to identity verification', () => {
  it('answers a document type, a picture part or a step out of order with a 4xx or the right step, and keeps the attempt', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    await startVerifying(browser);
    const before = await verificationStore.attemptOf(member.accountId);

    expect((await browser.post('/verify/documents/type', { documentType: 'library-card' })).status).toBe(400);
    expect((await browser.get('/verify/documents/uploaded?part=../../etc/passwd')).status).toBe(400);
    expect((await browser.get('/verify/documents/uploaded')).status).toBe(400);
    // Steps that come later send the member back to where the attempt stands.
    expect((await browser.post('/verify/documents/check', {})).location).toBe('/verify');
    expect((await browser.post('/verify/details', { givenName: 'Pat' })).location).toBe('/verify');
    expect((await browser.post('/verify/phone/send', {})).location).toBe('/verify');
    expect((await browser.post('/verify/phone/code', { code: '123456' })).location).toBe('/verify');
    // An upload redirect typed by hand, with nothing in the bucket, records nothing.
    await browser.post('/verify/documents/type', { documentType: 'passport' });
    const typed = await browser.get('/verify/documents/uploaded?part=front');
    expect(typed.location).toBe('/verify/documents?notice=missing');

    const after = await verificationStore.attemptOf(member.accountId);
    expect(after?.attemptId).toBe(before?.attemptId);
    expect(after?.uploads).toEqual({});
  });

  it('refuses forms without the CSRF token', async () => {
    const browser = await signedIn(await createMember());
    const refused = await browser.post(
      '/verify/start',
      { consent: 'yes', biometricConsent: 'yes' },
      { csrf: false },
    );
    expect(refused.status).toBe(403);
  });

  it('answers oversized, wrong and hostile personal information field by field, never echoing the SSN', async () => {
    const browser = await signedIn(await createMember());
    await startVerifying(browser);
    await throughDocuments(browser);
    // Past the pipeline's 2 KB a field: the error page says so.
    const huge = await browser.post('/verify/details', { givenName: 'x'.repeat(5000) });
    expect(huge.status).toBe(400);
    expect(huge.text).toContain('This field is too long.');
    const answer = await browser.post('/verify/details', {
      givenName: 'x'.repeat(500),
      familyName: '<script>alert(1)</script>',
      birthdate: '2999-01-01',
      street: '',
      city: '123',
      state: 'ZZ',
      postalCode: 'abc',
      ssn: '000-00-0000',
      phone: 'not a phone',
    });
    expect(answer.status).toBe(400);
    expect(answer.heading).toBe('Your information');
    for (const words of [
      'Enter your first name',
      'Enter your last name',
      'Enter your date of birth',
      'Enter the street address',
      'Enter the city',
      'Choose the state',
      'Enter a 5-digit ZIP code',
      'Enter your 9-digit Social Security number',
    ]) {
      expect(answer.text).toContain(words);
    }
    expect(answer.html).not.toContain('<script>alert(1)</script>');
    expect(answer.html).not.toContain('000-00-0000');
  });

  it('takes a picture again after the documents passed only by starting over', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    await startVerifying(browser);
    await throughDocuments(browser);
    const late = await browser.get('/verify/documents/uploaded?part=front');
    expect(late.location).toBe('/verify');
    expect((await browser.get('/verify/documents')).location).toBe('/verify');
  });
});
