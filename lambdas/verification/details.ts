/**
 * The personal information of a verification, as the member types it: read, normalized and
 * checked field by field, so that the form can say exactly what to fix. Pure rules.
 */
import { normalizePhoneNumber, PHONE_NUMBER_PROBLEM } from '../mfa/phone.ts';
import type { ExtractedFields, PersonDetails } from './ports.ts';

export const DETAIL_FIELDS = [
  'givenName',
  'familyName',
  'birthdate',
  'street',
  'city',
  'state',
  'postalCode',
  'ssn',
  'phone',
] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

/** What the form shows: typed values (never the SSN back in full), and a sentence per wrong field. */
export type DetailsForm = Partial<Record<DetailField, string>>;
export type DetailProblems = Partial<Record<DetailField, string>>;

/** US states, DC and the territories, by their postal codes. */
export const STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'AS',
  'GU',
  'MP',
  'PR',
  'VI',
] as const;

const NAME = /^[\p{L}][\p{L}\p{M}' .-]{0,59}$/u;
const STREET = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}' .,#/-]{1,99}$/u;
const CITY = /^[\p{L}][\p{L}\p{M}' .-]{0,59}$/u;
const ZIP = /^\d{5}(-\d{4})?$/;

const text = (value: unknown, max = 120): string =>
  typeof value === 'string' ? value.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, max) : '';

/**
 * A Social Security number the SSA could have issued: nine digits, area not 000 or 9xx... except
 * that 900-999 and 666 are what the sandbox's test identities use, so only the shape and the
 * all-zero groups are refused here; records validation decides the rest.
 */
export function normalizeSsn(value: unknown): string | undefined {
  const digits = text(value, 20).replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(digits)) return undefined;
  if (digits.startsWith('000') || digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return undefined;
  return digits;
}

/** A real calendar date, not in the future, for someone at least 13 and at most 125 years old. */
export function normalizeBirthdate(value: unknown, now: Date): string | undefined {
  const raw = text(value, 20);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : us
      ? [Number(us[3]), Number(us[1]), Number(us[2])]
      : [0, 0, 0];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (!year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const age = (now.getTime() - date.getTime()) / (365.25 * 24 * 3600 * 1000);
  if (age < 13 || age > 125) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The form's values as a person, or the problems to show beside each field. */
export function readDetails(
  input: Record<string, unknown>,
  now: Date,
): { kind: 'ok'; person: PersonDetails } | { kind: 'problems'; problems: DetailProblems; form: DetailsForm } {
  const form: DetailsForm = {};
  for (const field of DETAIL_FIELDS) form[field] = text(input[field]);
  const problems: DetailProblems = {};
  const givenName = form.givenName ?? '';
  const familyName = form.familyName ?? '';
  if (!NAME.test(givenName)) problems.givenName = 'Enter your first name as it is on your document.';
  if (!NAME.test(familyName)) problems.familyName = 'Enter your last name as it is on your document.';
  const birthdate = normalizeBirthdate(form.birthdate, now);
  if (!birthdate) problems.birthdate = 'Enter your date of birth as YYYY-MM-DD, for example 1985-04-12.';
  if (!STREET.test(form.street ?? '')) problems.street = 'Enter the street address where you live.';
  if (!CITY.test(form.city ?? '')) problems.city = 'Enter the city.';
  const state = (form.state ?? '').toUpperCase();
  if (!(STATES as readonly string[]).includes(state)) problems.state = 'Choose the state.';
  if (!ZIP.test(form.postalCode ?? '')) problems.postalCode = 'Enter a 5-digit ZIP code, like 22201.';
  const ssn = normalizeSsn(form.ssn);
  if (!ssn) problems.ssn = 'Enter your 9-digit Social Security number, like 123-45-6789.';
  const phone = normalizePhoneNumber(form.phone);
  if (!phone) problems.phone = PHONE_NUMBER_PROBLEM;
  // The SSN is never echoed back into the page.
  if (Object.keys(problems).length > 0 || !birthdate || !ssn || !phone) {
    return { kind: 'problems', problems, form: { ...form, ssn: '' } };
  }
  return {
    kind: 'ok',
    person: {
      givenName,
      familyName,
      birthdate,
      street: form.street ?? '',
      city: form.city ?? '',
      state,
      postalCode: form.postalCode ?? '',
      ssn,
      phone,
    },
  };
}

/** The form filled in from what the document check read; the member corrects and confirms. */
export const formFromExtracted = (fields: ExtractedFields): DetailsForm => ({
  givenName: fields.givenName,
  familyName: fields.familyName,
  birthdate: fields.birthdate,
  street: fields.street,
  city: fields.city,
  state: fields.state,
  postalCode: fields.postalCode,
});

/** The form from details confirmed before (coming back to change the phone): everything but the SSN. */
export const formFromDetails = (person: PersonDetails): DetailsForm => ({
  ...formFromExtracted(person),
  phone: person.phone,
});
