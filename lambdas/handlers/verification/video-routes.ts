/**
 * The member's side of the video call: the offer and joining the queue, the place and the wait
 * (a page, and JSON for the page's script), leaving with the place kept, and the call.
 */
import { memberOf } from '../../http/handler.ts';
import { requestTime } from '../../http/member.ts';
import { html, json, redirect } from '../../http/respond.ts';
import { ssnHeldPage } from '../../pages/verify.tsx';
import {
  calledPage,
  callPage,
  leftQueuePage,
  queuePage,
  releasedPage,
  videoOfferPage,
} from '../../pages/verify-video.tsx';
import { STEP_PATHS } from '../../verification/attempt.ts';
import { joinQueue, leaveQueue, memberCall, type VideoPlace, videoPlace } from '../../verification/video.ts';
import type { Request, Route } from './routes.ts';

/** The page for where the member stands (or where they must go first). */
function answer(request: Request, place: VideoPlace) {
  const csrfToken = request.csrfToken;
  switch (place.state) {
    case 'not-ready':
      return redirect(STEP_PATHS[place.step]);
    case 'decided':
      return redirect('/verify/result');
    case 'ssn-held':
      return html(ssnHeldPage({ csrfToken }), 409);
    case 'not-queued':
      return html(videoOfferPage({ csrfToken }));
    case 'released':
      return html(releasedPage({ csrfToken }));
    case 'called':
      return html(calledPage({ csrfToken }));
    case 'waiting':
      return place.away
        ? html(leftQueuePage({ csrfToken, position: place.position }))
        : html(queuePage({ csrfToken, position: place.position, waitMinutes: place.waitMinutes }));
  }
}

export const videoRoutes: Record<string, Route> = {
  'GET /verify/video': async (request) =>
    answer(request, await videoPlace(memberOf(request).accountId, requestTime(request))),

  'POST /verify/video': async (request) => {
    const place = await joinQueue(memberOf(request).accountId, requestTime(request));
    return place.state === 'joined' || place.state === 'waiting' || place.state === 'called'
      ? redirect('/verify/video')
      : answer(request, place);
  },

  // The page's script asks every 5 seconds; asking keeps the place (the member is here).
  'GET /verify/video/status': async (request) => {
    const place = await videoPlace(memberOf(request).accountId, requestTime(request));
    return json(
      place.state === 'waiting'
        ? { state: place.away ? 'away' : 'waiting', position: place.position, waitMinutes: place.waitMinutes }
        : { state: place.state },
    );
  },

  'POST /verify/video/leave': async (request) => {
    const place = await leaveQueue(memberOf(request).accountId, requestTime(request));
    return place.state === 'waiting'
      ? html(leftQueuePage({ csrfToken: request.csrfToken, position: place.position }))
      : answer(request, place);
  },

  'GET /verify/call': async (request) => {
    const call = await memberCall(memberOf(request).accountId, requestTime(request));
    if (!call) return redirect('/verify/video');
    return html(
      callPage({
        csrfToken: request.csrfToken,
        meetingId: call.room.meetingId,
        provider: call.room.provider,
      }),
    );
  },
};
