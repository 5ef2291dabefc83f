/**
 * Identity verification for the signed-in member: the self-service steps (self-service-routes.ts)
 * and the member's side of the video call (video-routes.ts).
 */
import { memberAccess } from '../../http/access.ts';
import { formBody } from '../../http/form.ts';
import { routedHandler } from '../../http/handler.ts';
import { selfServiceRoutes } from './self-service-routes.ts';
import { videoRoutes } from './video-routes.ts';

export const handler = routedHandler(
  'verification',
  { body: formBody, memberAccess },
  { ...selfServiceRoutes, ...videoRoutes },
);
