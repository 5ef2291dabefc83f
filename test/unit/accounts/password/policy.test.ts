import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkNewPassword,
  normalizePassword,
  type PasswordProblem,
  passwordProblemMessages,
} from '../../../../lambdas/accounts/password/policy.ts';

const member = { email: 'river.song@tardis.example' };
const check = (password: string, context = member) => checkNewPassword(password, context);
/** Strong by zxcvbn, on no list, unrelated to the email: only its length can be wrong. */
const strong = (length: number) => 'Xk9#mQ2$vL7!pR4&wZ8@tB3^'.repeat(6).slice(0, length);
const codePoints = (s: string) => [...s].length;

describe('a new password', () => {
  describe('is 12 to 128 characters', () => {
    it('refuses 11 characters and accepts 12', async () => {
      expect(await check(strong(11))).toEqual(['too-short']);
      expect(await check(strong(12))).toEqual([]);
    });

    it('accepts 128 characters and refuses 129', async () => {
      expect(await check(strong(128))).toEqual([]);
      expect(await check(strong(129))).toEqual(['too-long']);
    });

    it('counts code points, so an emoji is one character', async () => {
      const emoji = [...'🦊🐢🍋🚲🌵🎻🧭🪁🦉🍄🛶🎲'];
      expect(emoji.join('').length).toBe(24);
      expect(await check(emoji.slice(0, 11).join(''))).toEqual(['too-short']);
      expect(await check(emoji.join(''))).toEqual([]);
    });

    it('counts after NFKC, so an accent typed as a combining mark is not a character of its own', async () => {
      const accented = 'e\u0301'.repeat(12);
      expect(codePoints(accented)).toBe(24);
      expect(await check(accented.slice(0, 22))).toContain('too-short');
      expect(await check(accented)).not.toContain('too-short');
      // and a ligature counts as the letters it stands for
      expect(await check(`${strong(126)}\ufb00`)).toEqual([]);
      expect(await check(`${strong(127)}\ufb00`)).toEqual(['too-long']);
    });

    it('measures every length the same way (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (password) => {
          const length = codePoints(normalizePassword(password));
          const problems = await check(password);
          expect(problems.includes('too-short')).toBe(length < 12);
          expect(problems.includes('too-long')).toBe(length > 128);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('needs no mix of character kinds', () => {
    it('accepts a long all-lowercase passphrase of unrelated words', async () => {
      expect(await check('velvet mosaic harbor pickle')).toEqual([]);
      expect(await check('trombonevelvetglacier')).toEqual([]);
    });

    it('accepts any Unicode: accented letters, other scripts, emoji', async () => {
      expect(await check('Größenwahn über Köln 🦉')).toEqual([]);
      expect(await check('кот учёный ходит по цепи')).toEqual([]);
      expect(await check('春眠不覚暁処処聞啼鳥夜来風雨声')).toEqual([]);
    });
  });

  describe('is not easy to guess (zxcvbn score 3 or more)', () => {
    it('refuses names with a year, keyboard walks and repeats', async () => {
      for (const password of ['johnsmith1990', 'michaeljordan23', 'qwertyqwertyqwerty', 'abcabcabcabc']) {
        expect(await check(password), password).toEqual(['too-guessable']);
      }
    });

    it("treats the email's domain as a word an attacker tries first", async () => {
      const password = 'quorvexaplumbing';
      expect(await check(password, { email: 'river@quorvexa.example' })).toEqual(['too-guessable']);
      expect(await check(password, { email: 'river@example.com' })).toEqual([]);
    });
  });

  describe('is not a breached password', () => {
    it('refuses a very common one', async () => {
      expect(await check('password1234')).toEqual(['breached']);
    });

    it('refuses it whatever its case or width', async () => {
      expect(await check('PassWord1234')).toEqual(['breached']);
      expect(await check('ｐａｓｓｗｏｒｄ１２３４')).toEqual(['breached']);
    });
  });

  describe('is not built from the email local part', () => {
    it('refuses a password that contains the local part, in any case', async () => {
      expect(await check('my River.Song is brave', member)).toEqual(['based-on-email']);
    });

    it('sees the local part without its dots or +tag', async () => {
      const tagged = { email: 'river.song+verity@tardis.example' };
      expect(await check('riversong-is-brave-7', tagged)).toEqual(['based-on-email']);
      expect(await check('xx river.song+verity xx', tagged)).toEqual(['based-on-email']);
    });

    it('refuses a short local part with only digits and symbols added', async () => {
      expect(await check('bo1234567890!!', { email: 'bo@example.com' })).toEqual(['based-on-email']);
    });

    it('refuses the whole address as the password, however short its local part', async () => {
      // 14 characters, so only the email rule stands between it and an account.
      expect(await check('aq@example.com', { email: 'aq@example.com' })).toContain('based-on-email');
      expect(await check('AQ@Example.com!', { email: 'aq@example.com' })).toContain('based-on-email');
    });

    it('lets a short local part appear inside a real passphrase', async () => {
      expect(await check('velvet mosaic harbor bo pickle', { email: 'bo@example.com' })).toEqual([]);
    });

    it('holds for any local part of 4 or more letters (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.stringMatching(/^[a-z]{4,20}$/),
          fc.string({ maxLength: 10 }),
          fc.string({ maxLength: 10 }),
          async (local, before, after) => {
            const problems = await check(`${before}${local.toUpperCase()}${after}`, {
              email: `${local}@example.com`,
            });
            expect(problems).toContain('based-on-email');
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  it('has a sentence for the member for every problem', () => {
    const problems: PasswordProblem[] = [
      'too-short',
      'too-long',
      'based-on-email',
      'breached',
      'too-guessable',
    ];
    for (const problem of problems) expect(passwordProblemMessages[problem]).toMatch(/^[A-Z].+\.$/);
    expect(passwordProblemMessages['too-short']).toBe('Use at least 12 characters.');
    expect(passwordProblemMessages.breached).toBe(
      'This password appears in lists of breached passwords. Choose another.',
    );
    expect(passwordProblemMessages['based-on-email']).toBe(
      'Avoid using your email address in your password.',
    );
  });
});
