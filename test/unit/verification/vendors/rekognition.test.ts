import type { FaceDetail } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import {
  faceResultOfComparison,
  selfieQuality,
} from '../../../../lambdas/verification/vendors/rekognition.ts';

const face = (sharpness: number, brightness: number, size = 0.5): FaceDetail => ({
  BoundingBox: { Width: size, Height: size, Left: 0, Top: 0 },
  Quality: { Sharpness: sharpness, Brightness: brightness },
  Confidence: 99.9,
});

describe('a selfie, by DetectFaces', () => {
  it('is fine with a sharp face that is not washed out', () => {
    expect(selfieQuality({ FaceDetails: [face(80, 60)] })).toBeUndefined();
    expect(selfieQuality({ FaceDetails: [face(40, 90)] })).toBeUndefined();
  });

  it('has no face when none was found', () => {
    expect(selfieQuality({ FaceDetails: [] })).toBe('no-face');
    expect(selfieQuality({})).toBe('no-face');
  });

  it('is blurred below sharpness 40, and glared above brightness 90', () => {
    expect(selfieQuality({ FaceDetails: [face(39.9, 60)] })).toBe('blur');
    expect(selfieQuality({ FaceDetails: [face(80, 90.1)] })).toBe('glare');
    expect(selfieQuality({ FaceDetails: [face(10, 99)] })).toBe('blur');
  });

  it('is judged by its largest face, not one in the background', () => {
    expect(selfieQuality({ FaceDetails: [face(10, 50, 0.1), face(80, 50, 0.6)] })).toBeUndefined();
    expect(selfieQuality({ FaceDetails: [face(80, 50, 0.1), face(10, 50, 0.6)] })).toBe('blur');
  });
});

describe('the selfie against the document, by CompareFaces', () => {
  it('matches when a face on the document is at least 90% alike', () => {
    expect(faceResultOfComparison({ FaceMatches: [{ Similarity: 97.2 }], UnmatchedFaces: [] })).toEqual({
      kind: 'match',
    });
    expect(faceResultOfComparison({ FaceMatches: [{ Similarity: 90 }] })).toEqual({ kind: 'match' });
  });

  it('does not match when the document has faces but none alike enough', () => {
    expect(faceResultOfComparison({ FaceMatches: [], UnmatchedFaces: [{}] })).toEqual({ kind: 'no-match' });
    expect(faceResultOfComparison({ FaceMatches: [{ Similarity: 89.9 }], UnmatchedFaces: [{}] })).toEqual({
      kind: 'no-match',
    });
  });

  it('finds the document front unreadable when it shows no face at all', () => {
    expect(faceResultOfComparison({ FaceMatches: [], UnmatchedFaces: [] })).toEqual({
      kind: 'unreadable',
      part: 'front',
      problem: 'no-face',
    });
  });
});
