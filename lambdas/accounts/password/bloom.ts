/**
 * The Bloom filter that holds the password blocklist. Shared by the build script, which sets
 * the bits, and the checker, which reads them, so the two cannot drift apart.
 *
 * Why a Bloom filter: 100,000 breached passwords as text, even sorted, front-coded and
 * brotli-compressed, take about 350 KB before base64 (tried while choosing); the filter
 * takes 256 KiB at a false-positive rate of about 1 in 24,000, needs no decoding before the
 * first query, and answers with one SHA-512 and a few bit reads. A false positive only asks a
 * member to choose another password.
 */
import { createHash } from 'node:crypto';

/** What a shipped filter says about itself; the generated module carries one of these. */
export interface BloomFilterData {
  /** Bumped when the hashing below changes: a filter built one way cannot be read another. */
  readonly format: 'bloom-sha512-v1';
  /** A power of two, so a bit position is the hash masked, without modulo bias. */
  readonly bits: number;
  /** At most 16: SHA-512 yields sixteen 32-bit words, one per probe. */
  readonly hashes: number;
  readonly entries: number;
  /** Expected rate for this many entries, from the usual (1 - e^(-kn/m))^k. */
  readonly falsePositiveRate: number;
  /** The bit array, base64; whitespace inside is ignored when decoding. */
  readonly base64: string;
}

export const BLOOM_FORMAT = 'bloom-sha512-v1';
const MAX_HASHES = 16;

export function bloomPositions(key: string, bits: number, hashes: number): number[] {
  if (!Number.isInteger(Math.log2(bits))) throw new RangeError('bloom filter size must be a power of two');
  if (hashes < 1 || hashes > MAX_HASHES) throw new RangeError(`bloom filter needs 1..${MAX_HASHES} hashes`);
  const digest = createHash('sha512').update(key, 'utf8').digest();
  const mask = bits - 1;
  const positions: number[] = [];
  for (let i = 0; i < hashes; i++) positions.push(digest.readUInt32BE(i * 4) & mask);
  return positions;
}

export function bloomAdd(filter: Uint8Array, key: string, hashes: number): void {
  for (const bit of bloomPositions(key, filter.length * 8, hashes)) {
    filter[bit >>> 3] = (filter[bit >>> 3] as number) | (1 << (bit & 7));
  }
}

export function bloomHas(filter: Uint8Array, key: string, hashes: number): boolean {
  for (const bit of bloomPositions(key, filter.length * 8, hashes)) {
    if (((filter[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

export function expectedFalsePositiveRate(bits: number, hashes: number, entries: number): number {
  return (1 - Math.exp((-hashes * entries) / bits)) ** hashes;
}
