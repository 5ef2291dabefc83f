import { renderPage } from './layout.tsx';

export function homePage(signedIn?: { csrfToken: string }): string {
  return renderPage({
    title: 'One account for the services you use',
    signedIn,
    children: (
      <section class="verity-hero" aria-labelledby="hero-heading">
        <h1 id="hero-heading">One account for the services you use</h1>
        <p class="usa-intro">
          Create one Verity account, prove who you are once, and sign in to tax, health and benefits services
          without starting over each time.
        </p>
        <ul class="usa-button-group">
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--big" href="/create-account">
              Create account
            </a>
          </li>
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--big usa-button--outline" href="/sign-in">
              Sign in
            </a>
          </li>
        </ul>
        <h2>How it works</h2>
        <ol class="usa-process-list">
          <li class="usa-process-list__item">
            <h3 class="usa-process-list__heading">Create your account</h3>
            <p>Use your personal email address. You can add a work email later.</p>
          </li>
          <li class="usa-process-list__item">
            <h3 class="usa-process-list__heading">Protect it</h3>
            <p>Set up multi-factor authentication so only you can sign in.</p>
          </li>
          <li class="usa-process-list__item">
            <h3 class="usa-process-list__heading">Verify once, sign in anywhere</h3>
            <p>Prove who you are one time, then choose what each service receives.</p>
          </li>
        </ol>
      </section>
    ),
  });
}
