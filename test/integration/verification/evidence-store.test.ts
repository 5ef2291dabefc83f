/**
 * The evidence store against the real s3rver of this run. s3rver accepts any signature and does
 * not enforce POST policies, so the policy's conditions are asserted by reading the policy itself;
 * the upload then shows that the form's fields are what S3 expects.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { EvidenceStore } from '../../../lambdas/verification/ports.ts';
import { evidenceClient, s3EvidenceStore } from '../../../lambdas/verification/vendors/s3-evidence.ts';

const verity = inject('verity');
const store: EvidenceStore = s3EvidenceStore({ bucket: verity.evidenceBucket, client: evidenceClient() });
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(60).fill(7)]);
const TEN_MB = 10 * 1024 * 1024;
const redirectTo = 'http://localhost:3000/verify/documents/uploaded';

const formFor = (key: string) =>
  store.uploadForm({
    key,
    contentTypes: ['image/jpeg', 'image/png', 'image/heic'],
    maxBytes: TEN_MB,
    expiresSeconds: 600,
    redirectTo,
  });

/** Posts the form as a browser does: every hidden field in order, then the file, last. */
async function upload(form: { url: string; fields: Record<string, string> }, bytes: Uint8Array<ArrayBuffer>) {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
  return fetch(form.url, { method: 'POST', body, redirect: 'manual' });
}

describe('the evidence store on S3', () => {
  it('signs a policy for exactly one key, 1 byte to the limit, an image type, the redirect and an expiry', async () => {
    const key = `attempts/${randomUUID()}/front`;
    const before = Date.now();
    const form = await formFor(key);
    const policy = JSON.parse(Buffer.from(form.fields.Policy as string, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['eq', '$key', key],
        ['content-length-range', 1, TEN_MB],
        ['starts-with', '$Content-Type', 'image/'],
        ['eq', '$success_action_redirect', redirectTo],
        { bucket: verity.evidenceBucket },
      ]),
    );
    // No condition lets the key or the redirect vary.
    expect(JSON.stringify(policy.conditions)).not.toMatch(/starts-with","\$(key|success_action_redirect)/);
    const expires = Date.parse(policy.expiration);
    expect(expires).toBeGreaterThanOrEqual(before + 599_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 601_000);
    expect(form.fields).toMatchObject({
      key,
      'Content-Type': 'image/jpeg',
      success_action_redirect: redirectTo,
    });
    expect(Object.keys(form.fields)[0]).toBe('key');
    expect(form.url).toBe(`${verity.endpoints.s3}/${verity.evidenceBucket}`);
  });

  it('takes an upload through the form, redirects the browser, and describes, reads and removes it', async () => {
    const key = `attempts/${randomUUID()}/selfie`;
    const response = await upload(await formFor(key), JPEG);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectTo);
    expect(location.searchParams.get('key')).toBe(key);

    expect(await store.describe(key)).toEqual({ bytes: JPEG.length, contentType: 'image/jpeg' });
    expect(await store.read(key)).toEqual(JPEG);

    const view = await store.viewUrl(key, 60);
    expect(new URL(view).searchParams.get('X-Amz-Expires')).toBe('60');
    expect(new Uint8Array(await (await fetch(view)).arrayBuffer())).toEqual(JPEG);

    await store.remove([key, `attempts/${randomUUID()}/never-uploaded`]);
    expect(await store.describe(key)).toBeUndefined();
    expect(await store.read(key)).toBeUndefined();
  });

  it('knows nothing of a key nobody uploaded to, and removing nothing is fine', async () => {
    const key = `attempts/${randomUUID()}/back`;
    expect(await store.describe(key)).toBeUndefined();
    expect(await store.read(key)).toBeUndefined();
    await expect(store.remove([])).resolves.toBeUndefined();
  });
});
