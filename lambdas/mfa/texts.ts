/**
 * The port for sending a code to a phone, by text message or voice call, and its two adapters:
 * AWS End User Messaging SMS and voice in the cloud, and locally a text outbox (one JSON line
 * per message in a file that the local gateway shows at /_local/texts). The handlers choose by
 * environment, as they do for the other ports: VERITY_LOCAL_TEXT_OUTBOX is set only by
 * `npm start` (lib/local/start.ts), so a deployed function always gets End User Messaging.
 */
import { appendFile } from 'node:fs/promises';
import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  SendVoiceMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';

export type TextChannel = 'sms' | 'voice';

export interface TextSender {
  /** The channels this sender can use; voice calls need an origination identity in the cloud. */
  readonly channels: readonly TextChannel[];
  send(to: string, message: string, channel: TextChannel): Promise<void>;
}

/** The provider refused this destination (not a reachable number, opted out): the member can act on it. */
export class TextNotSent extends Error {
  constructor(readonly reason: string) {
    super(`The message was not accepted: ${reason}`);
    this.name = 'TextNotSent';
  }
}

/** One line of the local outbox. */
export interface OutboxText {
  readonly to: string;
  readonly channel: TextChannel;
  readonly message: string;
  /** ISO 8601 */
  readonly at: string;
}

/** A code is worth nothing after 10 minutes: the provider stops trying to deliver it then too. */
const DELIVERY_SECONDS = 600;

/** Errors that say this number will not get the message, not that something of ours broke. */
const REFUSALS = new Set(['ValidationException', 'ConflictException', 'ResourceNotFoundException']);

export function endUserMessagingSender(
  options: { originationIdentity?: string | undefined; client?: PinpointSMSVoiceV2Client } = {},
): TextSender {
  const client = options.client ?? new PinpointSMSVoiceV2Client({});
  const origin = options.originationIdentity || undefined;
  return {
    // SendVoiceMessage requires an origination identity; SendTextMessage can let the service pick one.
    channels: origin ? ['sms', 'voice'] : ['sms'],
    async send(to, message, channel) {
      try {
        if (channel === 'voice') {
          if (!origin) throw new Error('Voice calls need SMS_ORIGINATION_IDENTITY');
          await client.send(
            new SendVoiceMessageCommand({
              DestinationPhoneNumber: to,
              OriginationIdentity: origin,
              MessageBody: message,
              MessageBodyTextType: 'TEXT',
              TimeToLive: DELIVERY_SECONDS,
            }),
          );
        } else {
          await client.send(
            new SendTextMessageCommand({
              DestinationPhoneNumber: to,
              ...(origin ? { OriginationIdentity: origin } : {}),
              MessageBody: message,
              MessageType: 'TRANSACTIONAL',
              TimeToLive: DELIVERY_SECONDS,
            }),
          );
        }
      } catch (error) {
        if (error instanceof Error && REFUSALS.has(error.name)) {
          const reason = (error as { Reason?: unknown }).Reason;
          throw new TextNotSent(typeof reason === 'string' ? reason : error.name);
        }
        throw error;
      }
    },
  };
}

/** Appends each message to `file` as a JSON line; appends of one short line do not interleave. */
export function localOutboxSender(file: string, now: () => Date = () => new Date()): TextSender {
  return {
    channels: ['sms', 'voice'],
    async send(to, message, channel) {
      const text: OutboxText = { to, channel, message, at: now().toISOString() };
      await appendFile(file, `${JSON.stringify(text)}\n`, { mode: 0o600 });
    },
  };
}

let fromEnvironment: TextSender | undefined;

/** Built once per container: the local outbox on `npm start`, End User Messaging everywhere else. */
export function textSenderFromEnvironment(env: NodeJS.ProcessEnv = process.env): TextSender {
  fromEnvironment ??= env.VERITY_LOCAL_TEXT_OUTBOX
    ? localOutboxSender(env.VERITY_LOCAL_TEXT_OUTBOX)
    : endUserMessagingSender({ originationIdentity: env.SMS_ORIGINATION_IDENTITY });
  return fromEnvironment;
}
