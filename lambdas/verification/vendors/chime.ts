/**
 * The video call in the cloud: Amazon Chime SDK Meetings. A room is a meeting made for one
 * review; each person in it (the member, the agent) is an attendee with a join token. The
 * browser pages hand the meeting and the attendee JSON to the Chime SDK for JavaScript
 * (`new MeetingSessionConfiguration(meeting, attendee)`); no media passes through Verity.
 *
 * The meeting takes its media region from the Lambda's own region (AWS_REGION), so the call's
 * media stays where the rest of the member's data is.
 */
import { randomUUID } from 'node:crypto';
import {
  ChimeSDKMeetingsClient,
  CreateAttendeeCommand,
  CreateMeetingCommand,
  DeleteMeetingCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import type { CallRooms } from '../ports.ts';

/** The client is built at the first call, so building the vendors costs nothing until then. */
export function chimeCallRooms(options: { mediaRegion: string; client?: ChimeSDKMeetingsClient }): CallRooms {
  let built = options.client;
  const client = () => {
    built ??= new ChimeSDKMeetingsClient({});
    return built;
  };
  return {
    async open(reviewId) {
      const { Meeting } = await client().send(
        new CreateMeetingCommand({
          // A new token each time: a retried open after a close must not get the closed meeting back.
          ClientRequestToken: randomUUID(),
          ExternalMeetingId: reviewId,
          MediaRegion: options.mediaRegion,
        }),
      );
      if (!Meeting?.MeetingId) throw new Error('Chime created a meeting without an id');
      return { provider: 'chime', meetingId: Meeting.MeetingId, joinInfo: JSON.stringify(Meeting) };
    },

    async admit(room, participant) {
      const { Attendee } = await client().send(
        new CreateAttendeeCommand({
          MeetingId: room.meetingId,
          ExternalUserId: `${participant.role}-${participant.id}`.slice(0, 64),
        }),
      );
      if (!Attendee?.AttendeeId) throw new Error('Chime created an attendee without an id');
      return { attendeeId: Attendee.AttendeeId, joinInfo: JSON.stringify(Attendee) };
    },

    async close(room) {
      try {
        await client().send(new DeleteMeetingCommand({ MeetingId: room.meetingId }));
      } catch (error) {
        // Chime ends a meeting on its own after everyone has left for a while: closed is closed.
        if (error instanceof Error && error.name === 'NotFoundException') return;
        throw error;
      }
    },
  };
}
