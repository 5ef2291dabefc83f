/**
 * My Account in the job aids' words: three parts, Profile, Sign-in and security and Connected
 * partners, each one step from the others through the navigation on every page of the area.
 */
import { describe, expect, it } from 'vitest';
import { historyPage, profilePage } from '../../../lambdas/pages/account.tsx';
import { type Connection, partnersPage } from '../../../lambdas/pages/account-partners.tsx';
import { securityPage } from '../../../lambdas/pages/account-security.tsx';
import type { Factor } from '../../../lambdas/store/factors.ts';
import type { EmailItem } from '../../../lambdas/store/items.ts';

const csrfToken = 'the-csrf-token';

const email = (address: string, confirmed: boolean, work = false) =>
  ({
    normalized: address,
    address,
    confirmed,
    work,
    addedAt: '2026-11-01T10:00:00.000Z',
  }) satisfies EmailItem;

const factor = (factorId: string, name: string): Factor =>
  ({
    factorId,
    kind: 'totp',
    name,
    createdAt: '2026-11-01T10:00:00.000Z',
    secret: 'x',
    lastUsedStep: 0,
  }) as Factor;

const PARTS = {
  Profile: {
    path: '/account',
    html: profilePage({ csrfToken, emails: [], primaryEmail: 'a@example.com', identity: { kind: 'none' } }),
  },
  'Sign-in and security': {
    path: '/account/security',
    html: securityPage({ csrfToken, factors: [], recoveryCodesLeft: 10 }),
  },
  'Connected partners': { path: '/account/partners', html: partnersPage({ csrfToken, connections: [] }) },
};

/** The navigation of My Account in a page: its links as [name, href, aria-current]. */
function accountNav(html: string): [string, string, string | undefined][] {
  const nav = /<nav aria-labelledby="account-nav-name">([\s\S]*?)<\/nav>/.exec(html)?.[1];
  if (!nav) throw new Error('no My Account navigation');
  expect(nav).toContain(
    '<p id="account-nav-name" class="text-bold font-sans-md margin-top-0 margin-bottom-1">My Account</p>',
  );
  return [
    ...nav.matchAll(/<a href="([^"]+)"(?: class="usa-current" aria-current="([^"]+)")?>([^<]+)<\/a>/g),
  ].map((m) => [m[3] as string, m[1] as string, m[2]]);
}

const h1Of = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe('My Account', () => {
  it.each(Object.entries(PARTS))(
    '%s: titled and headed with its name, inside My Account',
    (name, { html }) => {
      expect(titleOf(html)).toBe(`${name} | My Account | Verity`);
      expect(h1Of(html)).toBe(name);
      expect(html.match(/<h1[ >]/g)).toHaveLength(1);
      // The header calls the area My Account too.
      expect(html).toMatch(/<a class="usa-nav-link" href="\/account"><span>My Account<\/span><\/a>/);
    },
  );

  it.each(Object.entries(PARTS))(
    '%s: every other part is one step away, by its name, and this one is marked current',
    (name, { html }) => {
      expect(accountNav(html)).toEqual(
        Object.entries(PARTS).map(([other, { path }]) => [other, path, other === name ? 'page' : undefined]),
      );
    },
  );

  it.each(Object.entries(PARTS))('%s: no inline script or style, which the CSP forbids', (_, { html }) => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('Account history sits in Sign-in and security: the navigation marks that part, not as this page', () => {
    const html = historyPage({ csrfToken, events: [] });
    expect(titleOf(html)).toBe('Account history | My Account | Verity');
    expect(h1Of(html)).toBe('Account history');
    expect(accountNav(html)).toEqual([
      ['Profile', '/account', undefined],
      ['Sign-in and security', '/account/security', 'true'],
      ['Connected partners', '/account/partners', undefined],
    ]);
  });
});

describe('Profile', () => {
  const html = profilePage({
    csrfToken,
    identity: { kind: 'none' },
    emails: [
      email('pat@example.com', true),
      email('pat@work.example', true, true),
      email('new@example.com', false),
    ],
    primaryEmail: 'pat@example.com',
    notice: 'primary-changed',
  });

  it('has the Email section with the words of the job aids on its buttons', () => {
    expect(html).toContain('<h2 id="emails-heading">Email</h2>');
    expect(html).toContain('+ Add an email');
    expect(html).toContain('href="/account/emails/add"');
    for (const [action, label] of [
      ['/account/emails/primary', 'Set as primary'],
      ['/account/emails/remove', 'Remove'],
      ['/account/emails/resend', 'Resend confirmation'],
    ]) {
      expect(html).toContain(`action="${action}"`);
      expect(html).toMatch(new RegExp(`aria-describedby="email-\\d">${label}</button>`));
    }
    expect(html).toContain('<span class="usa-tag">Work</span>');
  });

  it('keeps sign-in and security out: that is its own part', () => {
    for (const text of ['Sign-in methods', 'Change password', 'Recovery codes', 'Delete account']) {
      expect(html).not.toContain(text);
    }
  });

  it('shows the notice an action came back with', () => {
    expect(html).toContain('Your primary email changed.');
  });
});

describe('Sign-in and security', () => {
  const html = securityPage({
    csrfToken,
    factors: [factor('AAAAAAAAAAAAAAAAAAAAAA', 'Phone app'), factor('BBBBBBBBBBBBBBBBBBBBBB', 'Tablet app')],
    mfaPrimary: 'AAAAAAAAAAAAAAAAAAAAAA',
    recoveryCodesLeft: 7,
    notice: 'mfa-renamed',
  });

  it('holds everything but the emails: password, methods, recovery codes, browsers, history, deletion', () => {
    expect(html).toContain('href="/account/password">Change password</a>');
    expect(html).toContain('<h2 id="mfa-heading">Sign-in methods</h2>');
    expect(html).toContain('href="/mfa/setup">Add a sign-in method</a>');
    expect(html).toContain('You have 7 of 10 left.');
    expect(html).toContain('href="/mfa/recovery-codes">Create new recovery codes</a>');
    expect(html).toContain('action="/mfa/forget-browsers"');
    expect(html).toContain('href="/account/history">Account history</a>');
    expect(html).toContain('href="/account/delete">Delete account</a>');
    expect(html).not.toContain('Add an email');
  });

  it('shows the notice an action came back with', () => {
    expect(html).toContain('The sign-in method was renamed.');
  });

  it('offers Rename on every method as a link, and no name field until one is asked for', () => {
    const renameLinks = [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>Rename<\/a>/g)].map((m) => m[1]);
    expect(renameLinks).toEqual([
      '/account/security?rename=AAAAAAAAAAAAAAAAAAAAAA#rename-name',
      '/account/security?rename=BBBBBBBBBBBBBBBBBBBBBB#rename-name',
    ]);
    expect(html).not.toContain('action="/mfa/methods/rename"');
    expect(html).not.toContain('name="name"');
    expect(html).not.toContain('New name for');
  });

  it('shows the one name field asked for, labelled and filled with the name, in place of its Rename', () => {
    const asked = securityPage({
      csrfToken,
      factors: [
        factor('AAAAAAAAAAAAAAAAAAAAAA', 'Phone app'),
        factor('BBBBBBBBBBBBBBBBBBBBBB', 'Tablet app'),
      ],
      mfaPrimary: 'AAAAAAAAAAAAAAAAAAAAAA',
      recoveryCodesLeft: 7,
      renaming: 'BBBBBBBBBBBBBBBBBBBBBB',
    });
    const forms = [...asked.matchAll(/<form [^>]*action="\/mfa\/methods\/rename"[^>]*>([\s\S]*?)<\/form>/g)];
    expect(forms).toHaveLength(1);
    const form = forms[0]?.[1] ?? '';
    expect(form).toContain(`<input type="hidden" name="_csrf" value="${csrfToken}"/>`);
    expect(form).toContain('<input type="hidden" name="factor" value="BBBBBBBBBBBBBBBBBBBBBB"/>');
    expect(form).toContain('<label class="usa-label" for="rename-name">New name for Tablet app</label>');
    expect(form).toMatch(/<input class="usa-input" id="rename-name" name="name" value="Tablet app"/);
    expect(form).toContain('Save name</button>');
    expect(form).toContain('href="/account/security">Cancel</a>');
    expect(asked.match(/name="name"/g)).toHaveLength(1);
    // The other method still offers Rename; the one being renamed does not twice.
    const renameLinks = [...asked.matchAll(/<a [^>]*href="([^"]*)"[^>]*>Rename<\/a>/g)].map((m) => m[1]);
    expect(renameLinks).toEqual(['/account/security?rename=AAAAAAAAAAAAAAAAAAAAAA#rename-name']);
  });
});

describe('Connected partners', () => {
  const connections: Connection[] = [
    {
      clientId: 'ZZZZZZZZZZZZZZZZZZZZZZ',
      partnerName: 'State Benefits Portal',
      receives: ['Your primary email', 'That your identity is verified'],
      connectedAt: '2026-03-04T09:00:00.000Z',
      lastUsedAt: '2026-11-20T18:30:00.000Z',
    },
    {
      clientId: 'YYYYYYYYYYYYYYYYYYYYYY',
      partnerName: 'City Library <Main>',
      receives: ['Your primary email'],
      connectedAt: '2026-10-01T12:00:00.000Z',
    },
  ];

  it('says what connecting is when there is nothing to show', () => {
    const html = partnersPage({ csrfToken, connections: [] });
    expect(html).toContain(
      '<p>You have not connected any partners yet. When you sign in to a partner with Verity and select Allow, it appears here.</p>',
    );
    expect(html).not.toContain('Disconnect');
  });

  it('lists each partner with what it receives, when it connected and was last used', () => {
    const html = partnersPage({ csrfToken, connections });
    expect(html).not.toContain('You have not connected any partners yet');
    // By name, the name escaped.
    expect(html.indexOf('City Library &lt;Main>')).toBeLessThan(html.indexOf('State Benefits Portal'));
    expect(html).toContain('<li>Your primary email</li>');
    expect(html).toContain('<li>That your identity is verified</li>');
    expect(html).toContain('Connected March 4, 2026. Last used November 20, 2026.');
    expect(html).toContain('Connected October 1, 2026.');
  });

  it('has a Disconnect form per partner: a POST with its clientId and the CSRF token', () => {
    const html = partnersPage({ csrfToken, connections });
    const forms = [
      ...html.matchAll(/<form method="post" action="\/account\/partners\/disconnect">([\s\S]*?)<\/form>/g),
    ];
    expect(forms).toHaveLength(2);
    for (const [index, clientId] of ['YYYYYYYYYYYYYYYYYYYYYY', 'ZZZZZZZZZZZZZZZZZZZZZZ'].entries()) {
      const form = forms[index]?.[1];
      expect(form).toContain(`<input type="hidden" name="_csrf" value="${csrfToken}"/>`);
      expect(form).toContain(`<input type="hidden" name="clientId" value="${clientId}"/>`);
      // The button says Disconnect, and which partner it disconnects through its description.
      expect(form).toMatch(new RegExp(`aria-describedby="partner-${index}">Disconnect</button>`));
      expect(html).toContain(`id="partner-${index}"`);
    }
  });

  it('says who was disconnected, and shows no name that could be anything but one', () => {
    const notice = (partner?: string) =>
      /<h2 class="usa-alert__heading">([^<]*)<\/h2>/.exec(
        partnersPage({ csrfToken, connections: [], notice: 'partner-disconnected', partner }),
      )?.[1];
    expect(notice('State Benefits Portal')).toBe(
      'Disconnected. State Benefits Portal no longer receives your information.',
    );
    expect(notice()).toBe('Disconnected. The partner no longer receives your information.');
    expect(notice('Call 555-0100 now: <b>')).toBe(
      'Disconnected. The partner no longer receives your information.',
    );
    expect(notice('x'.repeat(81))).toBe('Disconnected. The partner no longer receives your information.');
  });
});

describe("Profile's Identity section", () => {
  const identityOf = (identity: Parameters<typeof profilePage>[0]['identity']) =>
    profilePage({ csrfToken, emails: [], primaryEmail: 'a@example.com', identity });

  it('offers to verify, to continue, to see the place in the queue or what to do, and says when it is verified', () => {
    expect(identityOf({ kind: 'none' })).toContain('href="/verify">Verify your identity</a>');
    expect(identityOf({ kind: 'in-progress' })).toContain('href="/verify">Continue verifying</a>');
    expect(identityOf({ kind: 'in-video' })).toContain('href="/verify/video">See my place</a>');
    expect(identityOf({ kind: 'not-verified' })).toContain('href="/verify/result">See what you can do</a>');
    const verified = identityOf({
      kind: 'verified',
      verifiedAt: '2026-11-29T10:00:00.000Z',
      method: 'video',
    });
    expect(verified).toContain('Your identity is verified (on a video call, 2026-11-29)');
    expect(verified).not.toContain('href="/verify"');
  });
});
