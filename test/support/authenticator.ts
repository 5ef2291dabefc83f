/**
 * The member's authenticator app, played by the tests: codes from a key (RFC 6238, 30-second
 * steps), computed on the server's clock (./clock.ts), as an app on a phone whose clock agrees
 * with the server's.
 *
 * Verity accepts each code once: after a code of one step, the next code must come from a later
 * step. Where a member would wait for the app to show a new code, `freshCode` moves the server's
 * clock on to the next step instead of waiting for it.
 */
import { generate } from 'otplib';
import { advanceClockTo, serverNow } from './clock.ts';

export const STEP_SECONDS = 30;

const stepAt = (at: Date) => Math.floor(at.getTime() / 1000 / STEP_SECONDS);

/** The last step each key gave a code for: the server refuses that step and earlier ones. */
const lastStep = new Map<string, number>();

/** The code the app shows now, from a step the server has not seen a code of this key for. */
export async function freshCode(key: string): Promise<string> {
  const used = lastStep.get(key);
  if (used !== undefined && stepAt(serverNow()) <= used) advanceClockTo((used + 1) * STEP_SECONDS * 1000);
  const step = stepAt(serverNow());
  lastStep.set(key, step);
  return generate({ secret: key, epoch: step * STEP_SECONDS });
}

/** Six digits that the app shows in none of the steps the server accepts now, nor the next. */
export async function wrongCode(key: string): Promise<string> {
  const step = stepAt(serverNow());
  const valid = await Promise.all(
    [step - 1, step, step + 1, step + 2].map((s) => generate({ secret: key, epoch: s * STEP_SECONDS })),
  );
  let code = valid[1] as string;
  while (valid.includes(code)) code = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  return code;
}
