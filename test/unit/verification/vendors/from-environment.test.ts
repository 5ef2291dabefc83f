import { describe, expect, it } from 'vitest';
import { verificationVendorsFromEnvironment } from '../../../../lambdas/verification/vendors/from-environment.ts';

const base = { EVIDENCE_BUCKET: 'evidence', AWS_REGION: 'us-east-1' };

describe('the verification vendors the environment names', () => {
  it('are the sandbox with VERITY_VERIFICATION_VENDORS=sandbox', async () => {
    const vendors = verificationVendorsFromEnvironment({ ...base, VERITY_VERIFICATION_VENDORS: 'sandbox' });
    expect(await vendors.calls.open('r1')).toEqual({
      provider: 'sandbox',
      meetingId: 'sandbox-r1',
      joinInfo: '',
    });
    expect(await vendors.records.check({ givenName: 'Pat', ssn: '666000001' } as never)).toBe('match');
  });

  it('are the AWS vendors with records from the sandbox only when VERITY_RECORDS_VENDOR=sandbox says so', async () => {
    const vendors = verificationVendorsFromEnvironment({
      ...base,
      VERITY_VERIFICATION_VENDORS: 'aws',
      VERITY_RECORDS_VENDOR: 'sandbox',
    });
    expect(await vendors.records.check({ givenName: 'Bad', ssn: '900000001' } as never)).toBe('no-match');
    expect(() => verificationVendorsFromEnvironment({ ...base, VERITY_VERIFICATION_VENDORS: 'aws' })).toThrow(
      /No records broker is configured/,
    );
  });

  it('refuse to guess: no vendor named, an unknown one, or no evidence bucket', () => {
    expect(() => verificationVendorsFromEnvironment(base)).toThrow(/VERITY_VERIFICATION_VENDORS must be/);
    expect(() =>
      verificationVendorsFromEnvironment({ ...base, VERITY_VERIFICATION_VENDORS: 'acme' }),
    ).toThrow(/"acme"/);
    expect(() => verificationVendorsFromEnvironment({ VERITY_VERIFICATION_VENDORS: 'sandbox' })).toThrow(
      /EVIDENCE_BUCKET/,
    );
  });
});
