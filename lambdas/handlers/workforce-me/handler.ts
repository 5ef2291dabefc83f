/** Tells a signed-in workforce user who the API takes them for: a first check of their token. */
import { httpHandler } from '../../http/handler.ts';
import { json } from '../../http/respond.ts';

export const handler = httpHandler('workforce-me', {}, ({ workforce }) =>
  json({ username: workforce?.username, groups: workforce?.groups }),
);
