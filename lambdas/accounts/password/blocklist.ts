/**
 * Is this password one of the shipped breached passwords? The filter (256 KiB) is loaded on the
 * first question, not when a handler module loads, so handlers that never check a new password
 * do not pay for it; after that a question costs one SHA-512.
 */
import type { BloomFilterData } from './bloom.ts';
import { bloomHas } from './bloom.ts';
import { comparisonKey } from './normalize.ts';

interface LoadedBlocklist {
  readonly bits: Uint8Array;
  readonly hashes: number;
}

let loading: Promise<LoadedBlocklist> | undefined;

export function loadBlocklist(): Promise<LoadedBlocklist> {
  loading ??= import('../../generated/password-blocklist.ts').then(({ blocklistFilter }) =>
    decode(blocklistFilter),
  );
  return loading;
}

export async function isBreachedPassword(password: string): Promise<boolean> {
  const { bits, hashes } = await loadBlocklist();
  return bloomHas(bits, comparisonKey(password), hashes);
}

function decode(data: BloomFilterData): LoadedBlocklist {
  const bits = Buffer.from(data.base64, 'base64');
  // A truncated or hand-edited file would otherwise pass every password as not breached.
  if (data.format !== 'bloom-sha512-v1' || bits.length * 8 !== data.bits) {
    throw new Error('the password blocklist is damaged: rebuild it with scripts/build-password-blocklist.ts');
  }
  return { bits, hashes: data.hashes };
}
