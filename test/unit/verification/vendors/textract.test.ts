import type { AnalyzeIDResponse, IdentityDocumentField } from '@aws-sdk/client-textract';
import { describe, expect, it } from 'vitest';
import { dateOf, documentResultOfAnalyzeId } from '../../../../lambdas/verification/vendors/textract.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

type Detected = string | { text: string; confidence?: number; normalized?: string };

function field(type: string, value: Detected): IdentityDocumentField {
  const { text, confidence = 98, normalized } = typeof value === 'string' ? { text: value } : value;
  return {
    Type: { Text: type },
    ValueDetection: {
      Text: text,
      Confidence: confidence,
      ...(normalized ? { NormalizedValue: { Value: normalized, ValueType: 'DATE' } } : {}),
    },
  };
}

/** One identity document per page, as AnalyzeID answers: every field type, empty where not found. */
function response(...pages: Record<string, Detected>[]): AnalyzeIDResponse {
  return {
    IdentityDocuments: pages.map((values, i) => ({
      DocumentIndex: i + 1,
      IdentityDocumentFields: [
        'FIRST_NAME',
        'LAST_NAME',
        'MIDDLE_NAME',
        'DATE_OF_BIRTH',
        'ADDRESS',
        'CITY_IN_ADDRESS',
        'STATE_IN_ADDRESS',
        'ZIP_CODE_IN_ADDRESS',
        'DOCUMENT_NUMBER',
        'EXPIRATION_DATE',
      ].map((type) => field(type, values[type] ?? '')),
    })),
  };
}

const LICENSE_FRONT = {
  FIRST_NAME: 'JANE',
  LAST_NAME: 'DOE',
  DATE_OF_BIRTH: { text: '04/12/1985', normalized: '1985-04-12T00:00:00' },
  ADDRESS: '100  MAIN STREET',
  CITY_IN_ADDRESS: 'ARLINGTON',
  STATE_IN_ADDRESS: 'va',
  ZIP_CODE_IN_ADDRESS: '22201',
  DOCUMENT_NUMBER: 'S12345678',
  EXPIRATION_DATE: { text: '04/12/2034', normalized: '2034-04-12T00:00:00' },
};

describe('the AnalyzeID answer', () => {
  it('gives the fields of a license, with dates as YYYY-MM-DD', () => {
    expect(documentResultOfAnalyzeId(response(LICENSE_FRONT, {}), NOW)).toEqual({
      kind: 'read',
      fields: {
        givenName: 'JANE',
        familyName: 'DOE',
        birthdate: '1985-04-12',
        street: '100 MAIN STREET',
        city: 'ARLINGTON',
        state: 'VA',
        postalCode: '22201',
        documentNumber: 'S12345678',
        expiresOn: '2034-04-12',
      },
    });
  });

  it('takes a field the front lacks from the back, and the front first when both have it', () => {
    const { ADDRESS: _street, ...front } = LICENSE_FRONT;
    const result = documentResultOfAnalyzeId(
      response(front, { ADDRESS: '1 ELM ST', FIRST_NAME: 'OTHER' }),
      NOW,
    );
    expect(result).toMatchObject({ kind: 'read', fields: { street: '1 ELM ST', givenName: 'JANE' } });
  });

  it('reads a passport page, which has no address', () => {
    const page = {
      FIRST_NAME: 'JOHN',
      LAST_NAME: 'ROE',
      DATE_OF_BIRTH: '15 JAN 1970',
      DOCUMENT_NUMBER: '123456789',
      EXPIRATION_DATE: '02 Feb 2030',
    };
    expect(documentResultOfAnalyzeId(response(page), NOW)).toEqual({
      kind: 'read',
      fields: {
        givenName: 'JOHN',
        familyName: 'ROE',
        birthdate: '1970-01-15',
        documentNumber: '123456789',
        expiresOn: '2030-02-02',
      },
    });
  });

  it('is a blurred picture when a name, the birthdate or the expiry was read with less than 80 confidence', () => {
    for (const type of ['FIRST_NAME', 'LAST_NAME', 'DATE_OF_BIRTH', 'EXPIRATION_DATE']) {
      const doubtful = { ...LICENSE_FRONT, [type]: { text: '01/01/2030', confidence: 79.9 } };
      expect(documentResultOfAnalyzeId(response(doubtful, {}), NOW), type).toEqual({
        kind: 'unreadable',
        part: 'front',
        problem: 'blur',
      });
    }
    const confident = { ...LICENSE_FRONT, FIRST_NAME: { text: 'JANE', confidence: 80 } };
    expect(documentResultOfAnalyzeId(response(confident, {}), NOW)).toMatchObject({ kind: 'read' });
  });

  it('blames the back when the doubtful key field was read there', () => {
    const { LAST_NAME: _name, ...front } = LICENSE_FRONT;
    const back = { LAST_NAME: { text: 'D0E', confidence: 40 } };
    expect(documentResultOfAnalyzeId(response(front, back), NOW)).toEqual({
      kind: 'unreadable',
      part: 'back',
      problem: 'blur',
    });
  });

  it('does not mind low confidence on the other fields', () => {
    const front = { ...LICENSE_FRONT, ZIP_CODE_IN_ADDRESS: { text: '2220l', confidence: 30 } };
    expect(documentResultOfAnalyzeId(response(front, {}), NOW)).toMatchObject({
      kind: 'read',
      fields: { postalCode: '2220l' },
    });
  });

  it('is a blurred front when a name, the birthdate or the expiry is missing or no date', () => {
    for (const type of ['FIRST_NAME', 'LAST_NAME', 'DATE_OF_BIRTH', 'EXPIRATION_DATE']) {
      expect(documentResultOfAnalyzeId(response({ ...LICENSE_FRONT, [type]: '' }, {}), NOW), type).toEqual({
        kind: 'unreadable',
        part: 'front',
        problem: 'blur',
      });
    }
    expect(
      documentResultOfAnalyzeId(response({ ...LICENSE_FRONT, DATE_OF_BIRTH: '13/45/1985' }), NOW),
    ).toMatchObject({
      kind: 'unreadable',
    });
    expect(documentResultOfAnalyzeId({}, NOW)).toMatchObject({ kind: 'unreadable', part: 'front' });
  });

  it('is not authentic once the document has expired, and still valid on its last day', () => {
    const expiring = (date: string) => ({ ...LICENSE_FRONT, EXPIRATION_DATE: date });
    expect(documentResultOfAnalyzeId(response(expiring('05/31/2026')), NOW)).toEqual({
      kind: 'not-authentic',
    });
    expect(documentResultOfAnalyzeId(response(expiring('06/01/2026')), NOW)).toMatchObject({ kind: 'read' });
  });
});

describe('a date on a document', () => {
  const date = (text: string, normalized?: string) =>
    dateOf(field('DATE_OF_BIRTH', { text, ...(normalized ? { normalized } : {}) }));

  it('comes from the normalized value first, then from how it is printed', () => {
    expect(date('garbled', '1985-04-12T00:00:00')).toBe('1985-04-12');
    expect(date('4/2/1985')).toBe('1985-04-02');
    expect(date('04-02-1985')).toBe('1985-04-02');
    expect(date('1985-04-02')).toBe('1985-04-02');
    expect(date('2 APR 1985')).toBe('1985-04-02');
    expect(date('02 April 1985')).toBe('1985-04-02');
  });

  it('is not read when it is no real day', () => {
    for (const text of ['02/30/1985', '1985-13-01', '31 FOO 1985', '1985', ''])
      expect(date(text), text).toBeUndefined();
  });
});
