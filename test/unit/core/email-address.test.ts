import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAddressProblem, parseEmailAddress } from '../../../lambdas/core/email-address.ts';

const normalized = (input: string) => {
  const parsed = parseEmailAddress(input);
  return isAddressProblem(parsed) ? parsed : parsed.normalized;
};

describe('email addresses', () => {
  it('fold case, width and surrounding space so one mailbox is one key', () => {
    for (const variant of [
      'ada@example.com',
      ' Ada@Example.COM ',
      'ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ',
      'ada@EXAMPLE.com.',
    ]) {
      expect(normalized(variant), variant).toBe('ada@example.com');
    }
  });

  it('keep the address as typed for display', () => {
    expect(parseEmailAddress('  Ada.Lovelace@Example.com ')).toEqual({
      address: 'Ada.Lovelace@Example.com',
      normalized: 'ada.lovelace@example.com',
    });
  });

  it('turn an internationalized domain into its ASCII form', () => {
    expect(normalized('ada@bücher.example')).toBe('ada@xn--bcher-kva.example');
    expect(normalized('ada@BÜCHER.example')).toBe('ada@xn--bcher-kva.example');
  });

  it('refuse what is not an address SES can deliver to', () => {
    for (const bad of [
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'ada@@example.com',
      'a da@example.com',
      'ada@exa mple.com',
      'ada@-example.com',
      'ada@example.123',
      'adä@example.com',
      'ada..x@example.com',
      '.ada@example.com',
      'ada@[127.0.0.1]',
      'ada@example.com/path',
      `${'a'.repeat(65)}@example.com`,
    ]) {
      expect(normalized(bad), bad).toBe('invalid');
    }
  });

  it('say what is missing or too long', () => {
    expect(normalized('')).toBe('missing');
    expect(normalized('   ')).toBe('missing');
    expect(parseEmailAddress(undefined)).toBe('missing');
    expect(normalized(`a@${['b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(60)).join('.')}.com`)).toBe(
      'too-long',
    );
    expect(normalized('a'.repeat(5000))).toBe('too-long');
  });

  it('normalize idempotently: a normalized address normalizes to itself', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const once = parseEmailAddress(address);
        if (isAddressProblem(once)) return;
        expect(normalized(once.normalized)).toBe(once.normalized);
      }),
    );
  });
});
