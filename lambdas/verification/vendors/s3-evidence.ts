/**
 * The evidence store over Amazon S3 (s3rver locally): the one adapter of verification that is
 * the same in the sandbox and in the cloud. Browsers upload straight to the bucket with a
 * presigned POST policy, so no picture passes through a Lambda; the checks read the objects
 * where they are (the cloud vendors by bucket and key, the sandbox through `read`).
 *
 * The client has no endpoint option: locally the SDK finds s3rver through AWS_ENDPOINT_URL_S3,
 * as every other client finds its stand-in (docs/architecture.md). Only then does it need path-style
 * addresses, since s3rver serves no bucket subdomains; in the cloud bucket-style addresses stay.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { EvidenceStore, UploadForm } from '../ports.ts';

/** DeleteObjects takes at most this many keys in one request. */
const DELETE_BATCH = 1000;

export function s3EvidenceStoreFromEnvironment(env: NodeJS.ProcessEnv = process.env): EvidenceStore {
  const bucket = env.EVIDENCE_BUCKET;
  if (!bucket) throw new Error('EVIDENCE_BUCKET is not set: identity verification needs the evidence bucket');
  return s3EvidenceStore({ bucket, client: evidenceClient(env) });
}

/** Path-style only against a local stand-in (AWS_ENDPOINT_URL_S3 set), which has no bucket subdomains. */
export function evidenceClient(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3) });
}

export function s3EvidenceStore({ bucket, client }: { bucket: string; client: S3Client }): EvidenceStore {
  return {
    async uploadForm({ key, contentTypes, maxBytes, expiresSeconds, redirectTo }) {
      const contentType = contentTypeRule(contentTypes);
      const post = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        Expires: expiresSeconds,
        // Signed fields become exact conditions of the policy; Content-Type is added after
        // signing (below) so that the browser may replace it within the policy's prefix.
        Fields: { success_action_redirect: redirectTo },
        Conditions: [
          ['eq', '$key', key],
          ['content-length-range', 1, maxBytes],
          ['starts-with', '$Content-Type', contentType.prefix],
          ['eq', '$success_action_redirect', redirectTo],
        ],
      });
      return uploadFormOf(post, contentType.initial);
    },

    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          bytes: head.ContentLength ?? 0,
          contentType: head.ContentType ?? 'application/octet-stream',
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async read(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    viewUrl(key, expiresSeconds) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresSeconds,
      });
    },

    async remove(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const { Errors } = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        // Quiet mode lists only failures; a key that was not there is not one.
        if (Errors?.length) throw new Error(`${Errors.length} evidence objects could not be deleted`);
      }
    },
  };
}

/**
 * A POST policy cannot list content types, only fix one or a prefix. So: one type is the prefix
 * itself; several must share their top-level type (`image/`), which becomes the prefix. The form
 * starts with the first type; a page script may set the file's own type (within the prefix).
 * What the bucket then stores is what the form said, not what the bytes are: the checks look at
 * the bytes.
 */
export function contentTypeRule(contentTypes: readonly string[]): { prefix: string; initial: string } {
  const [first, ...rest] = contentTypes;
  if (!first) throw new Error('An upload form needs at least one content type');
  if (rest.length === 0) return { prefix: first, initial: first };
  const prefix = `${first.split('/')[0]}/`;
  if (prefix === '/' || !rest.every((type) => type.startsWith(prefix)))
    throw new Error(`A POST policy cannot allow ${contentTypes.join(', ')}: they share no top-level type`);
  return { prefix, initial: first };
}

/** The form's fields in the order S3 reads them: the key and the policy's fields, then (last, by the page) the file. */
function uploadFormOf(
  post: { url: string; fields: Record<string, string> },
  contentType: string,
): UploadForm {
  const { key, ...signed } = post.fields;
  return { url: post.url, fields: { key: key as string, 'Content-Type': contentType, ...signed } };
}

/**
 * S3 answers a missing key with NoSuchKey to GET and a bare 404 (NotFound) to HEAD, but only to
 * a caller that may list the bucket: the handler roles may only read and write `attempts/*`
 * (lib/cloud/handler-functions.ts), so to them a missing key is a 403. A missing bucket is a
 * broken deployment, not a missing picture (though HEAD cannot tell them apart).
 */
function isMissing(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'NoSuchBucket') return false;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  return status === 404 || status === 403;
}
