/** The body every member form posts: flat text fields, each short, and the whole under 16 KB. */
import * as v from 'valibot';
import type { BodySpec } from './body.ts';

export type FormFields = Record<string, string> | undefined;

export const formBody: BodySpec<Record<string, string>> = {
  kinds: ['form'],
  schema: v.record(
    v.pipe(v.string(), v.maxLength(64)),
    v.pipe(v.string(), v.maxLength(2048, 'This field is too long.')),
  ),
};

export const field = (form: FormFields, name: string): string | undefined => form?.[name];

export const checked = (form: FormFields, name: string): boolean => form?.[name] === 'yes';

export const query = (event: { queryStringParameters?: Record<string, string | undefined> }, name: string) =>
  event.queryStringParameters?.[name];
