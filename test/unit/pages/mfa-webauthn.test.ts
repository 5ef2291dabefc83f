import { describe, expect, it } from 'vitest';
import { securityKeyChallengePage, securityKeySetupPage } from '../../../lambdas/pages/mfa-webauthn.tsx';

const pages = {
  'add a security key': securityKeySetupPage({ csrfToken: 'token' }),
  'use your security key': securityKeyChallengePage({
    csrfToken: 'token',
    factorId: 'f1',
    hasOthers: true,
    next: '/account',
  }),
};

describe('security key pages', () => {
  it.each(Object.entries(pages))('%s: scripts only from our own files, none inline', (_, html) => {
    expect(html).toContain('<script src="/assets/simplewebauthn/bundle/index.umd.min.js"></script>');
    expect(html).toContain('<script type="module" src="/assets/verity/webauthn.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it.each(Object.entries(pages))(
    '%s: the form carries its CSRF token and an empty field for the key answer',
    (_, html) => {
      expect(html).toContain('<input type="hidden" name="_csrf" value="token"/>');
      // Preact writes an empty attribute without its value: `value` is `value=""`.
      expect(html).toMatch(/<input type="hidden" name="credential" value(="")?\/>/);
      expect(html).toMatch(/<div aria-live="assertive" data-webauthn-problem(="")?><\/div>/);
    },
  );

  it('adding a key: the member names it, then Add security key runs the registration', () => {
    const html = pages['add a security key'];
    expect(html).toMatch(
      /<form [^>]*action="\/mfa\/setup\/security-key" [^>]*data-webauthn="register" data-webauthn-options="\/mfa\/setup\/security-key\/options">/,
    );
    expect(html).toContain('<label class="usa-label" for="name">Name this key</label>');
    expect(html).toContain('<button class="usa-button" type="submit" id="add-key">Add security key</button>');
  });

  it('the second step: Use your security key, Remember this browser, and the other ways', () => {
    const html = pages['use your security key'];
    expect(html).toMatch(
      /<form [^>]*action="\/mfa\/security-key" [^>]*data-webauthn="authenticate" data-webauthn-options="\/mfa\/security-key\/options">/,
    );
    expect(html).toContain('<input type="hidden" name="factor" value="f1"/>');
    expect(html).toContain('<input type="hidden" name="next" value="/account"/>');
    expect(html).toContain('Remember this browser');
    expect(html).toContain('>Use your security key</button>');
    expect(html).toContain('>Choose another method</a>');
    expect(html).toContain('>Use a recovery code</a>');
  });

  it('a problem is listed at the top and points at the button that starts again', () => {
    const html = securityKeySetupPage({ csrfToken: 'token', problem: 'Try again.', name: '<b>' });
    expect(html).toContain('<a href="#add-key">Try again.</a>');
    expect(html).toContain('value="&lt;b>"');
  });
});
