import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { groupedKey, matchTotp, newTotpSecret, otpauthUri, qrCodeSvg } from '../../../lambdas/mfa/totp.ts';

/** RFC 6238 Appendix B, SHA-1 seed "12345678901234567890", last 6 of the 8 digits. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];
const at = (seconds: number) => new Date(seconds * 1000);

describe('authenticator app codes (RFC 6238)', () => {
  it.each(RFC_VECTORS)('match the RFC test vector at T=%i', async (time, code) => {
    expect(await matchTotp(RFC_SECRET, code, at(time))).toBe(Math.floor(time / 30));
  });

  it('accept one 30-second step of drift either way, and no more', async () => {
    const secret = newTotpSecret();
    const now = 1_800_000_015;
    const codeAt = (seconds: number) => generate({ secret, epoch: seconds });
    expect(await matchTotp(secret, await codeAt(now - 30), at(now))).toBeDefined();
    expect(await matchTotp(secret, await codeAt(now + 30), at(now))).toBeDefined();
    expect(await matchTotp(secret, await codeAt(now - 60), at(now))).toBeUndefined();
    expect(await matchTotp(secret, await codeAt(now + 60), at(now))).toBeUndefined();
  });

  it('refuse a code whose step was already used, and any earlier step', async () => {
    const step = await matchTotp(RFC_SECRET, '005924', at(1234567890));
    expect(step).toBeDefined();
    expect(await matchTotp(RFC_SECRET, '005924', at(1234567890), step)).toBeUndefined();
    expect(await matchTotp(RFC_SECRET, '005924', at(1234567890), (step as number) + 1)).toBeUndefined();
  });

  it('refuse what is not six digits', async () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 345', '٠١٢٣٤٥']) {
      expect(await matchTotp(RFC_SECRET, bad, at(59)), bad).toBeUndefined();
    }
  });

  it('make 160-bit keys that apps can scan and people can type', async () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    expect(groupedKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    const uri = otpauthUri(secret, 'ada@example.com');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Verity:ada%40example\.com\?/);
    expect(uri).toContain(`secret=${secret}`);
    const svg = await qrCodeSvg(uri);
    expect(svg).toMatch(/^<svg[^>]*>/);
    expect(svg).not.toMatch(/<script|\son\w+=|style=/i);
  });
});
