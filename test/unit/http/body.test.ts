import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../lambdas/http/body.ts';

const form = {
  kinds: ['form'] as const,
  schema: v.object({ email: v.pipe(v.string(), v.email('Enter an email address.')) }),
};
const json = { kinds: ['json'] as const, schema: v.object({ n: v.number() }), maxBytes: 64 };
const event = (body: string, contentType: string, base64 = false) => ({
  body: base64 ? Buffer.from(body).toString('base64') : body,
  isBase64Encoded: base64,
  headers: { 'content-type': contentType },
});
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { status: number }).status;
  }
  return 'no error';
};

describe('request bodies', () => {
  it('parse a base64 form post, as API Gateway delivers it', () => {
    expect(
      parseBody(event('email=a%40b.example', 'application/x-www-form-urlencoded; charset=UTF-8', true), form),
    ).toEqual({
      email: 'a@b.example',
    });
  });

  it('parse JSON', () => {
    expect(parseBody(event('{"n":1}', 'application/json'), json)).toEqual({ n: 1 });
  });

  it('answer a wrong or missing content type with 415', () => {
    expect(status(() => parseBody(event('{"n":1}', 'text/plain'), json))).toBe(415);
    expect(status(() => parseBody({ body: '{"n":1}' }, json))).toBe(415);
  });

  it('answer malformed JSON, invalid UTF-8 and schema mismatches with 400', () => {
    expect(status(() => parseBody(event('{', 'application/json'), json))).toBe(400);
    expect(status(() => parseBody(event('{"n":"1"}', 'application/json'), json))).toBe(400);
    const badUtf8 = {
      body: Buffer.from([0x6e, 0x3d, 0xff]).toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
    expect(status(() => parseBody(badUtf8, form))).toBe(400);
  });

  it('name the field and its message when the schema refuses the input', () => {
    try {
      parseBody(event('email=nope', 'application/x-www-form-urlencoded'), form);
    } catch (error) {
      expect((error as Error).message).toBe('Check "email": Enter an email address.');
      return;
    }
    throw new Error('expected a 400');
  });

  it('refuse a field sent twice, so nobody can smuggle a second value past a check', () => {
    expect(
      status(() =>
        parseBody(
          event('email=a%40b.example&email=c%40d.example', 'application/x-www-form-urlencoded'),
          form,
        ),
      ),
    ).toBe(400);
  });

  it('answer a body over the limit with 413, base64 or not', () => {
    const big = JSON.stringify({ n: 1, pad: 'x'.repeat(100) });
    expect(status(() => parseBody(event(big, 'application/json'), json))).toBe(413);
    expect(status(() => parseBody(event(big, 'application/json', true), json))).toBe(413);
  });

  it('does not let __proto__ in a form reach the prototype', () => {
    const loose = { kinds: ['form'] as const, schema: v.record(v.string(), v.string()) };
    const parsed = parseBody(event('__proto__=x&a=1', 'application/x-www-form-urlencoded'), loose);
    expect(parsed.a).toBe('1');
    expect(Object.getPrototypeOf(parsed)).not.toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
