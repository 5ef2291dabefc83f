/**
 * zxcvbn's guess of how many tries a cracker needs. Its dictionaries are megabytes of data and
 * building its ranked tables takes ~150 ms, so both happen on the first check, once per process,
 * and not at all in handlers that never judge a new password.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

let loading: Promise<ZxcvbnFactory> | undefined;

export function loadStrengthEstimator(): Promise<ZxcvbnFactory> {
  loading ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    // No translations: members read Verity's own messages, not zxcvbn's feedback.
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
    });
  })();
  return loading;
}

/** 0 (too guessable) to 4 (very unguessable); `userInputs` are words an attacker would try first. */
export async function strengthScore(password: string, userInputs: readonly string[]): Promise<number> {
  const zxcvbn = await loadStrengthEstimator();
  return zxcvbn.check(password, [...userInputs]).score;
}
