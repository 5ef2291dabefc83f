import { describe, expect, it } from 'vitest';
import type { PersonDetails } from '../../../../lambdas/verification/ports.ts';
import {
  SAMPLE_IDENTITY,
  type SandboxReading,
} from '../../../../lambdas/verification/vendors/description.ts';
import {
  sandboxCallRoom,
  sandboxDocumentResult,
  sandboxFaceResult,
  sandboxPhoneOwnership,
  sandboxRecordsResult,
  sandboxVendors,
} from '../../../../lambdas/verification/vendors/sandbox.ts';

const picture: SandboxReading = { kind: 'image' };
const notAnImage: SandboxReading = { kind: 'unreadable', problem: 'not-an-image' };
const described = (description: object): SandboxReading => ({ kind: 'description', description });

const person: PersonDetails = {
  givenName: 'Pat',
  familyName: 'Sample',
  birthdate: '1985-04-12',
  ssn: '900123456',
  street: '100 Main Street',
  city: 'Arlington',
  state: 'VA',
  postalCode: '22201',
  phone: '+12025550123',
};

describe('the sandbox document check', () => {
  it('reads ordinary pictures of a license or a passport as the sample identity', () => {
    expect(sandboxDocumentResult('drivers-license', picture, picture)).toEqual({
      kind: 'read',
      fields: SAMPLE_IDENTITY,
    });
    expect(sandboxDocumentResult('passport', picture)).toEqual({ kind: 'read', fields: SAMPLE_IDENTITY });
  });

  it('says which picture is unreadable and why, the front before the back', () => {
    for (const quality of ['blur', 'glare', 'cropped'] as const) {
      expect(sandboxDocumentResult('drivers-license', described({ quality }), picture)).toEqual({
        kind: 'unreadable',
        part: 'front',
        problem: quality,
      });
      expect(sandboxDocumentResult('drivers-license', picture, described({ quality }))).toEqual({
        kind: 'unreadable',
        part: 'back',
        problem: quality,
      });
    }
    expect(sandboxDocumentResult('drivers-license', notAnImage, described({ quality: 'blur' }))).toEqual({
      kind: 'unreadable',
      part: 'front',
      problem: 'not-an-image',
    });
    expect(sandboxDocumentResult('passport', described({ quality: 'glare' }))).toEqual({
      kind: 'unreadable',
      part: 'front',
      problem: 'glare',
    });
  });

  it('counts a license without its back as an unreadable back, and ignores a back given with a passport', () => {
    expect(sandboxDocumentResult('drivers-license', picture)).toEqual({
      kind: 'unreadable',
      part: 'back',
      problem: 'not-an-image',
    });
    expect(sandboxDocumentResult('passport', picture, notAnImage)).toEqual({
      kind: 'read',
      fields: SAMPLE_IDENTITY,
    });
  });

  it('finds the document not authentic when any part says authentic: false, once every part is readable', () => {
    const fake = described({ authentic: false });
    expect(sandboxDocumentResult('drivers-license', fake, picture)).toEqual({ kind: 'not-authentic' });
    expect(sandboxDocumentResult('drivers-license', picture, fake)).toEqual({ kind: 'not-authentic' });
    expect(sandboxDocumentResult('passport', fake)).toEqual({ kind: 'not-authentic' });
    expect(sandboxDocumentResult('drivers-license', fake, described({ quality: 'blur' }))).toMatchObject({
      kind: 'unreadable',
      part: 'back',
    });
  });

  it('extracts only the fields a description gives, from the front first and then the back', () => {
    const front = described({ fields: { givenName: 'Bad', familyName: 'Example' } });
    const back = described({ fields: { familyName: 'Ignored', postalCode: '10001' } });
    expect(sandboxDocumentResult('drivers-license', front, back)).toEqual({
      kind: 'read',
      fields: { givenName: 'Bad', familyName: 'Example', postalCode: '10001' },
    });
    expect(sandboxDocumentResult('drivers-license', described({}), described({}))).toEqual({
      kind: 'read',
      fields: {},
    });
    expect(sandboxDocumentResult('passport', described({ fields: { givenName: 'Deceased' } }))).toEqual({
      kind: 'read',
      fields: { givenName: 'Deceased' },
    });
  });

  it('is not swayed by the face keys, which belong to the selfie check', () => {
    const front = described({ portrait: 'mismatch', face: 'none' });
    expect(sandboxDocumentResult('passport', front)).toEqual({ kind: 'read', fields: {} });
  });
});

describe('the sandbox selfie check', () => {
  it('matches ordinary pictures', () => {
    expect(sandboxFaceResult(picture, picture)).toEqual({ kind: 'match' });
  });

  it('says a selfie is unreadable for its quality, for being no picture, or for having no face', () => {
    for (const quality of ['blur', 'glare', 'cropped'] as const)
      expect(sandboxFaceResult(picture, described({ quality }))).toEqual({
        kind: 'unreadable',
        part: 'selfie',
        problem: quality,
      });
    expect(sandboxFaceResult(picture, notAnImage)).toEqual({
      kind: 'unreadable',
      part: 'selfie',
      problem: 'not-an-image',
    });
    expect(sandboxFaceResult(picture, described({ face: 'none' }))).toEqual({
      kind: 'unreadable',
      part: 'selfie',
      problem: 'no-face',
    });
  });

  it('finds no match when the document or the selfie says portrait: mismatch', () => {
    const mismatch = described({ portrait: 'mismatch' });
    expect(sandboxFaceResult(mismatch, picture)).toEqual({ kind: 'no-match' });
    expect(sandboxFaceResult(picture, mismatch)).toEqual({ kind: 'no-match' });
    expect(sandboxFaceResult(described({ portrait: 'match' }), described({ face: 'found' }))).toEqual({
      kind: 'match',
    });
  });

  it('says the selfie problem before the mismatch, and an unreadable document front as such', () => {
    expect(sandboxFaceResult(described({ portrait: 'mismatch' }), described({ face: 'none' }))).toMatchObject(
      {
        kind: 'unreadable',
        part: 'selfie',
      },
    );
    expect(sandboxFaceResult(notAnImage, picture)).toEqual({
      kind: 'unreadable',
      part: 'front',
      problem: 'not-an-image',
    });
  });
});

describe('the sandbox records check', () => {
  it('matches an SSN starting with 900 or 666, and no other', () => {
    expect(sandboxRecordsResult({ ...person, ssn: '900123456' })).toBe('match');
    expect(sandboxRecordsResult({ ...person, ssn: '666000001' })).toBe('match');
    expect(sandboxRecordsResult({ ...person, ssn: '123456789' })).toBe('no-match');
    expect(sandboxRecordsResult({ ...person, ssn: '090012345' })).toBe('no-match');
  });

  it('times out, fails or finds a date of death by the given name, whatever its case and the SSN', () => {
    expect(sandboxRecordsResult({ ...person, givenName: 'JustInTIME' })).toBe('unavailable');
    expect(sandboxRecordsResult({ ...person, givenName: 'BADGER' })).toBe('no-match');
    expect(sandboxRecordsResult({ ...person, givenName: 'Mary-Deceased' })).toBe('deceased');
    expect(sandboxRecordsResult({ ...person, givenName: 'Bad Time' })).toBe('unavailable');
    expect(sandboxRecordsResult({ ...person, givenName: 'deceased bad' })).toBe('no-match');
  });

  it('owns a phone unless it ends in 5555, and times out for a phone ending in 0000, whatever the name', () => {
    expect(sandboxPhoneOwnership(person)).toBe('owner');
    expect(sandboxPhoneOwnership({ ...person, givenName: 'Time', phone: '+12025550123' })).toBe('owner');
    expect(sandboxPhoneOwnership({ ...person, phone: '+12025555555' })).toBe('not-owner');
    expect(sandboxPhoneOwnership({ ...person, phone: '+12025550000' })).toBe('unavailable');
  });
});

describe('the sandbox vendors', () => {
  it('read the pictures through the evidence store, by key', async () => {
    const stored = new Map<string, Uint8Array>([
      ['front', new TextEncoder().encode('portrait: mismatch')],
      ['back', new Uint8Array([0xff, 0xd8, 0xff, 0xe0])],
      ['selfie', new Uint8Array([0x89, 0x50, 0x4e, 0x47])],
    ]);
    const vendors = sandboxVendors({ read: async (key) => stored.get(key) });
    const license = {
      documentType: 'drivers-license',
      front: { key: 'front' },
      back: { key: 'back' },
    } as const;
    expect(await vendors.documents.check(license)).toEqual({ kind: 'read', fields: SAMPLE_IDENTITY });
    expect(await vendors.documents.check({ ...license, back: { key: 'missing' } })).toEqual({
      kind: 'unreadable',
      part: 'back',
      problem: 'not-an-image',
    });
    expect(await vendors.faces.compare({ document: { key: 'front' }, selfie: { key: 'selfie' } })).toEqual({
      kind: 'no-match',
    });
    expect(await vendors.records.check(person)).toBe('match');
    expect(await vendors.records.phoneOwnership(person)).toBe('owner');
  });

  it('open a call room named after the review, with nothing to join', async () => {
    expect(sandboxCallRoom('review-1')).toEqual({
      provider: 'sandbox',
      meetingId: 'sandbox-review-1',
      joinInfo: '',
    });
    const { calls } = sandboxVendors({ read: async () => undefined });
    const room = await calls.open('review-1');
    expect(await calls.admit(room, { role: 'agent', id: 'agent-7' })).toEqual({
      attendeeId: 'sandbox-agent-agent-7',
      joinInfo: '',
    });
    await expect(calls.close(room)).resolves.toBeUndefined();
  });
});
