import { describe, expect, it } from 'vitest';
import { errorPage } from '../../../lambdas/pages/error.tsx';
import { homePage } from '../../../lambdas/pages/home.tsx';
import { signInPage } from '../../../lambdas/pages/sign-in.tsx';

const pages = {
  home: homePage(),
  'sign in': signInPage({ csrfToken: 'token' }),
  error: errorPage(404, 'There is no page at this address.'),
};

describe('hosted pages', () => {
  it.each(Object.entries(pages))(
    '%s: a complete document with a skip link, one h1 and landmarks',
    (_, html) => {
      expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
      expect(html).toContain('<a class="usa-skipnav" href="#main-content">Skip to main content</a>');
      expect(html.match(/<h1[ >]/g)).toHaveLength(1);
      expect(html).toContain('<header');
      expect(html).toContain('<main id="main-content"');
      expect(html).toContain('<footer');
    },
  );

  it.each(Object.entries(pages))('%s: no inline script or style, which the CSP forbids', (_, html) => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('home offers the exact labels members follow: Create account and Sign in', () => {
    expect(pages.home).toMatch(/<a class="usa-button[^"]*" href="\/create-account">Create account<\/a>/);
    expect(pages.home).toMatch(/<a class="usa-button[^"]*" href="\/sign-in">Sign in<\/a>/);
  });

  it('escapes what it shows', () => {
    expect(errorPage(400, '<img src=x onerror=alert(1)>')).toContain('&lt;img src=x onerror=alert(1)>');
  });
});
