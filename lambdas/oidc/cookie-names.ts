/** The provider's cookies, by name: Verity's own Sign out reads and expires the session one. */
export const PROVIDER_COOKIES = {
  session: 'verity-oidc',
  interaction: 'verity-interaction',
  resume: 'verity-resume',
} as const;
