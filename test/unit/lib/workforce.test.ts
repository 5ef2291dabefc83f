import { describe, expect, it } from 'vitest';
import { requireWorkforce } from '../../../lambdas/http/workforce.ts';
import { parseGroupsClaim } from '../../../lib/workforce.ts';

describe('the cognito:groups claim', () => {
  it('reads API Gateway\'s "[a b]" form, a JSON array and a single group', () => {
    expect(parseGroupsClaim('[agents partner-admins]')).toEqual(['agents', 'partner-admins']);
    expect(parseGroupsClaim(['agents'])).toEqual(['agents']);
    expect(parseGroupsClaim('agents')).toEqual(['agents']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
    expect(parseGroupsClaim('')).toEqual([]);
  });
});

describe('workforce access', () => {
  const access = { kind: 'workforce', groups: ['partner-admins'] } as const;

  it('lets a member of a required group through', () => {
    expect(requireWorkforce(access, { username: 'u1', 'cognito:groups': '[partner-admins]' })).toEqual({
      username: 'u1',
      groups: ['partner-admins'],
    });
  });

  it('refuses a token without the group with 403 and no claims at all with 401', () => {
    expect(() => requireWorkforce(access, { username: 'u1', 'cognito:groups': '[agents]' })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => requireWorkforce(access, undefined)).toThrow(expect.objectContaining({ status: 401 }));
  });

  it('asks nothing of public routes', () => {
    expect(requireWorkforce({ kind: 'public' }, undefined)).toBeUndefined();
  });
});
