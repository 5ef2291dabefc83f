import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAMBDAS = fileURLToPath(new URL('../../../lambdas/', import.meta.url));
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
/** `Math.random`, `Math?.random`, `Math['random']`, with any spacing. */
const MATH_RANDOM = /\bMath\s*(\?\.|\.)\s*random\b|\bMath\s*\[\s*['"`]random['"`]\s*\]/;

const modules = (readdirSync(LAMBDAS, { recursive: true }) as string[]).filter((path) => SOURCE.test(path));

describe('randomness in lambdas/', () => {
  it('finds the modules to check', () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(modules).toContain('store/history.ts');
  });

  it('recognizes Math.random however it is spelled', () => {
    for (const use of ['Math.random()', 'Math . random()', "Math['random']()", 'Math?.random()']) {
      expect(MATH_RANDOM.test(use), use).toBe(true);
    }
    expect(MATH_RANDOM.test('randomInt(40)')).toBe(false);
  });

  it('comes from node:crypto: no module uses Math.random, whose output can be predicted', () => {
    const using = modules.filter((path) => MATH_RANDOM.test(readFileSync(`${LAMBDAS}${path}`, 'utf8')));
    expect(using).toEqual([]);
  });
});
