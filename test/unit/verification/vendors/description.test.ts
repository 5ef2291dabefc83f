import { describe, expect, it } from 'vitest';
import {
  isPicture,
  parseDescription,
  parseYamlSubset,
  readSandboxEvidence,
  SAMPLE_IDENTITY,
} from '../../../../lambdas/verification/vendors/description.ts';

const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array(16).fill(0)]);
const text = (value: string) => new TextEncoder().encode(value);
const heif = (brand: string) => new Uint8Array([0, 0, 0, 24, ...text('ftyp'), ...text(brand), 0, 0, 0, 0]);

describe('a sandbox upload', () => {
  it('is a picture when it starts as a JPEG, a PNG or a HEIC/HEIF file does', () => {
    expect(isPicture(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe(true);
    expect(isPicture(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe(true);
    for (const brand of ['heic', 'heix', 'mif1', 'msf1', 'hevc'])
      expect(isPicture(heif(brand)), brand).toBe(true);
  });

  it('is not a picture for other ISO media brands, a GIF, a PDF or a truncated header', () => {
    expect(isPicture(heif('isom'))).toBe(false); // an MP4 video
    expect(isPicture(text('GIF89a......'))).toBe(false);
    expect(isPicture(text('%PDF-1.7'))).toBe(false);
    expect(isPicture(new Uint8Array([0xff, 0xd8]))).toBe(false);
    expect(isPicture(new Uint8Array([0, 0, 0, 24, ...text('ftyp')]))).toBe(false);
  });

  it('reads an ordinary picture as an image, which the sandbox takes for the sample identity', () => {
    expect(readSandboxEvidence(bytes(0xff, 0xd8, 0xff))).toEqual({ kind: 'image' });
    expect(SAMPLE_IDENTITY).toEqual({
      givenName: 'Pat',
      familyName: 'Sample',
      birthdate: '1985-04-12',
      street: '100 Main Street',
      city: 'Arlington',
      state: 'VA',
      postalCode: '22201',
      documentNumber: 'S12345678',
      expiresOn: '2034-04-12',
    });
  });

  it('cannot be read when nothing was uploaded, it is empty, binary garbage or plain prose', () => {
    const unreadable = { kind: 'unreadable', problem: 'not-an-image' };
    expect(readSandboxEvidence(undefined)).toEqual(unreadable);
    expect(readSandboxEvidence(new Uint8Array())).toEqual(unreadable);
    expect(readSandboxEvidence(text('   \n\n'))).toEqual(unreadable);
    expect(readSandboxEvidence(new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]))).toEqual(unreadable); // invalid UTF-8
    expect(readSandboxEvidence(text('Just a note about my licence.'))).toEqual(unreadable);
    expect(readSandboxEvidence(text('[1, 2, 3]'))).toEqual(unreadable);
    expect(readSandboxEvidence(text('{"quality": "blur"'))).toEqual(unreadable);
  });
});

describe('a JSON description', () => {
  it('gives each documented key its meaning', () => {
    const description = parseDescription(
      text(
        JSON.stringify({
          quality: 'glare',
          authentic: false,
          portrait: 'mismatch',
          face: 'none',
          fields: { givenName: 'Bad', familyName: 'Example', birthdate: '1990-01-31', postalCode: 22201 },
        }),
      ),
    );
    expect(description).toEqual({
      quality: 'glare',
      authentic: false,
      portrait: 'mismatch',
      face: 'none',
      fields: { givenName: 'Bad', familyName: 'Example', birthdate: '1990-01-31', postalCode: '22201' },
    });
  });

  it('may be empty, or say only what it changes', () => {
    expect(parseDescription(text('{}'))).toEqual({});
    expect(parseDescription(text('\ufeff{"quality":"cropped"}'))).toEqual({ quality: 'cropped' });
    expect(parseDescription(text('{"authentic": true, "portrait": "match", "face": "found"}'))).toEqual({
      authentic: true,
      portrait: 'match',
      face: 'found',
    });
  });

  it('is refused whole for an unknown key, a value outside its list or a field that is not text', () => {
    const refused = [
      { quality: 'blurry' },
      { authentic: 'false' },
      { portrait: 'other' },
      { face: 'hidden' },
      { colour: 'red' },
      { fields: { nickname: 'Pat' } },
      { fields: { givenName: ['Pat'] } },
      { fields: 'Pat Sample' },
    ];
    for (const value of refused)
      expect(parseDescription(text(JSON.stringify(value))), JSON.stringify(value)).toBe(undefined);
  });
});

describe('a YAML description', () => {
  it('reads key: value lines, a fields block indented by two spaces, comments, quotes and booleans', () => {
    const yaml = [
      '---',
      '# a passport page of someone else',
      'portrait: mismatch   # the selfie will not match',
      'authentic: true',
      'fields:',
      '  givenName: "Dee #1"',
      "  familyName: 'O''Brien'",
      '  birthdate: 1990-01-31',
      '',
      '  postalCode: 02134',
      '  street: 1 Elm St # a comment after a bare value',
    ].join('\r\n');
    expect(parseDescription(text(yaml))).toEqual({
      portrait: 'mismatch',
      authentic: true,
      fields: {
        givenName: 'Dee #1',
        familyName: "O'Brien",
        birthdate: '1990-01-31',
        postalCode: '02134',
        street: '1 Elm St',
      },
    });
  });

  it('reads a one-line description', () => {
    expect(parseDescription(text('quality: blur\n'))).toEqual({ quality: 'blur' });
    expect(parseDescription(text('authentic: false'))).toEqual({ authentic: false });
    expect(parseDescription(text('face: none'))).toEqual({ face: 'none' });
  });

  it('refuses what is outside the subset', () => {
    const refused = [
      'quality blur', // no colon
      'fields:\n    givenName: Pat', // four spaces
      'fields:\n\tgivenName: Pat', // a tab
      'givenName: Pat\n  familyName: Sample', // nested under a scalar
      'quality: blur\nquality: glare', // a key twice
      'fields: {givenName: Pat}', // a flow mapping
      '- quality: blur', // a sequence
      'quality: "blur', // an open quote
      "fields:\n  givenName: 'Pat'x'", // a lone quote
      'fields:\n  givenName: |', // a block scalar
    ];
    for (const yaml of refused) expect(parseYamlSubset(yaml), yaml).toBeUndefined();
  });

  it('parses the subset into plain mappings, whatever the keys', () => {
    expect(parseYamlSubset('a: 1\nb:\n  c: true\n  d: "x"')).toEqual({ a: '1', b: { c: true, d: 'x' } });
    expect(parseYamlSubset('# only a comment')).toBeUndefined();
  });
});
