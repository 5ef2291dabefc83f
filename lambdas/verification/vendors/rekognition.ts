/**
 * The selfie check in the cloud: Amazon Rekognition, on the pictures in the evidence bucket.
 * First DetectFaces on the selfie, so that a picture without a face, blurred or washed out is
 * said as such and the member retakes it before anything counts as a failed comparison; then
 * CompareFaces of the selfie (source) against the portrait on the document's front (target).
 *
 * Rekognition takes JPEG and PNG, not HEIC: a HEIC upload comes back as unreadable
 * (`not-an-image`), which asks the member for another picture.
 */
import {
  CompareFacesCommand,
  type CompareFacesResponse,
  DetectFacesCommand,
  type DetectFacesResponse,
  type FaceDetail,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import type { EvidencePart, FaceMatcher, FaceResult, ImageProblem } from '../ports.ts';

/** Rekognition's sharpness (0-100) below which a face is too blurred to compare. */
export const MIN_SHARPNESS = 40;
/** Rekognition's brightness (0-100) above which a face is washed out by glare or a flash. */
export const MAX_BRIGHTNESS = 90;
/** How alike (percent) the selfie and the portrait must be to count as the same person. */
export const SIMILARITY_THRESHOLD = 90;

/** Rekognition's answers that mean "this picture is not one I can read", not "something broke". */
const UNREADABLE_ERRORS = new Set([
  'InvalidImageFormatException',
  'ImageTooLargeException',
  'InvalidS3ObjectException',
]);

/** The client is built at the first comparison, so building the vendors costs nothing until then. */
export function rekognitionFaceMatcher(options: { bucket: string; client?: RekognitionClient }): FaceMatcher {
  let client = options.client;
  const image = (key: string) => ({ S3Object: { Bucket: options.bucket, Name: key } });
  return {
    async compare({ document, selfie }) {
      client ??= new RekognitionClient({});
      const detected = await unreadableAs('selfie', () =>
        (client as RekognitionClient).send(
          new DetectFacesCommand({ Image: image(selfie.key), Attributes: ['DEFAULT'] }),
        ),
      );
      if ('kind' in detected) return detected;
      const quality = selfieQuality(detected);
      if (quality) return { kind: 'unreadable', part: 'selfie', problem: quality };
      const compared = await unreadableAs('front', () =>
        (client as RekognitionClient).send(
          new CompareFacesCommand({
            SourceImage: image(selfie.key),
            TargetImage: image(document.key),
            SimilarityThreshold: SIMILARITY_THRESHOLD,
          }),
        ),
      );
      if ('kind' in compared) return compared;
      return faceResultOfComparison(compared);
    },
  };
}

/**
 * What is wrong with the selfie, if anything: no face at all, or the largest face (the person
 * holding the phone; others may be in the background) too blurred or too bright.
 */
export function selfieQuality(response: DetectFacesResponse): ImageProblem | undefined {
  const face = largest(response.FaceDetails ?? []);
  if (!face) return 'no-face';
  if ((face.Quality?.Sharpness ?? 0) < MIN_SHARPNESS) return 'blur';
  if ((face.Quality?.Brightness ?? 0) > MAX_BRIGHTNESS) return 'glare';
  return undefined;
}

/**
 * The comparison's answer: a face on the document at or above the threshold is a match; faces
 * on the document but none alike is no match; no face on the document at all means the
 * portrait could not be read, which is a picture to retake, not a failed comparison.
 */
export function faceResultOfComparison(response: CompareFacesResponse): FaceResult {
  const matches = (response.FaceMatches ?? []).filter((m) => (m.Similarity ?? 0) >= SIMILARITY_THRESHOLD);
  if (matches.length > 0) return { kind: 'match' };
  if ((response.UnmatchedFaces ?? []).length === 0)
    return { kind: 'unreadable', part: 'front', problem: 'no-face' };
  return { kind: 'no-match' };
}

function largest(faces: readonly FaceDetail[]): FaceDetail | undefined {
  const area = (f: FaceDetail) => (f.BoundingBox?.Width ?? 0) * (f.BoundingBox?.Height ?? 0);
  return faces.reduce<FaceDetail | undefined>(
    (best, f) => (!best || area(f) > area(best) ? f : best),
    undefined,
  );
}

/**
 * Runs a call, turning Rekognition's refusals of a picture into an unreadable `part`. CompareFaces
 * answers InvalidParameterException when it finds no face in one of the two pictures; the selfie
 * already showed one to DetectFaces, so it is the document's portrait that has none.
 */
async function unreadableAs<T extends object>(
  part: EvidencePart,
  call: () => Promise<T>,
): Promise<T | Extract<FaceResult, { kind: 'unreadable' }>> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (UNREADABLE_ERRORS.has(error.name)) return { kind: 'unreadable', part, problem: 'not-an-image' };
    if (part === 'front' && error.name === 'InvalidParameterException')
      return { kind: 'unreadable', part, problem: 'no-face' };
    throw error;
  }
}
