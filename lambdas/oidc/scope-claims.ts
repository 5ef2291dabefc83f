/** Scopes and the claims they stand for (the ID.me-style policy scopes carry no claims). */
export const SCOPE_CLAIMS = {
  // ID tokens always carry how and when the member signed in.
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  email: ['email', 'email_verified'],
  all_emails: ['all_emails'],
  profile: ['given_name', 'family_name', 'birthdate', 'verified_at'],
  address: ['address'],
  phone: ['phone_number'],
  social_security_number: ['social_security_number'],
} as const;
