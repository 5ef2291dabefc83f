import { describe, expect, it, vi } from 'vitest';
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

  it('are the AWS vendors with records from the sandbox only when VERITY_RECORDS_VENDOR=sandbox says so; without a broker, records are unavailable and everything else runs', async () => {
    const vendors = verificationVendorsFromEnvironment({
      ...base,
      VERITY_VERIFICATION_VENDORS: 'aws',
      VERITY_RECORDS_VENDOR: 'sandbox',
    });
    expect(await vendors.records.check({ givenName: 'Bad', ssn: '900000001' } as never)).toBe('no-match');
    const noBroker = verificationVendorsFromEnvironment({ ...base, VERITY_VERIFICATION_VENDORS: 'aws' });
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await noBroker.records.check({ givenName: 'Pat', ssn: '900000001' } as never)).toBe('unavailable');
    expect(error.mock.calls[0]?.[0]).toMatch(/No records broker is configured/);
    error.mockRestore();
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
