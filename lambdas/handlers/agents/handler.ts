/**
 * The agent console: the hosted workforce sign-in pages (sign-in-routes.ts) and, behind the
 * workforce session cookie that the pipeline checks (`workforce-pages` access), the video
 * verification queue, reviews and decisions (console-routes.ts).
 */
import { routedHandler } from '../../http/handler.ts';
import { workforcePagesAccess } from '../../http/workforce-pages.ts';
import { consoleRoutes } from './console-routes.ts';
import { agentFormBody } from './routes.ts';
import { signInRoutes } from './sign-in-routes.ts';

export const handler = routedHandler(
  'agents',
  { body: agentFormBody, workforcePages: workforcePagesAccess },
  { ...signInRoutes, ...consoleRoutes },
);
