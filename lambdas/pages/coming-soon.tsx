import { renderPage } from './layout.tsx';

/** Placeholder for pages whose flows later issues build (sign-in, account creation). */
export function comingSoonPage(title: string): string {
  return renderPage({
    title,
    children: (
      <>
        <h1>{title}</h1>
        <div class="usa-alert usa-alert--info" role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">Coming soon</h2>
            <p class="usa-alert__text">This part of Verity is not open yet. Please check back soon.</p>
          </div>
        </div>
        <p>
          <a class="usa-link" href="/">
            Back to the home page
          </a>
        </p>
      </>
    ),
  });
}
