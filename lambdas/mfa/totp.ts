/**
 * Authenticator apps (TOTP, RFC 6238): 6 digits, 30-second steps, one step of clock drift
 * either way. A code is accepted once: the step it matched is stored, and a later code must
 * match a later step (the store's condition enforces it under races).
 */
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD = 30;

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export function otpauthUri(secret: string, accountLabel: string): string {
  return generateURI({ issuer: 'Verity', label: accountLabel, secret });
}

/**
 * The QR code as inline SVG markup: no image request, no third-party service. `qrcode` is loaded
 * here, on the one page that draws a code, so the handlers that only check codes do not bundle it
 * and the one that draws them does not set it up at every cold start.
 */
export async function qrCodeSvg(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The matching step, or undefined for a wrong, malformed or already used code. */
export async function matchTotp(
  secret: string,
  code: string,
  now: Date,
  lastUsedStep = -1,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const epoch = Math.floor(now.getTime() / 1000);
  const result = await verify({ secret, token: code, epoch, epochTolerance: TOTP_PERIOD });
  if (!result.valid) return undefined;
  const step = Math.floor(epoch / TOTP_PERIOD) + result.delta;
  return step > lastUsedStep ? step : undefined;
}

/** Spaces every 4 characters, as authenticator apps show keys typed by hand. */
export const groupedKey = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');
