import { renderPage } from './layout.tsx';

const TITLES: Record<number, string> = {
  400: 'We could not use that request',
  401: 'Please sign in',
  403: 'You cannot do that',
  404: 'Page not found',
  405: 'That action is not available here',
  413: 'That was too much to send',
  415: 'We could not read that request',
  429: 'Too many tries',
  500: 'Something went wrong',
};

export function errorPage(status: number, message: string): string {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'We could not use that request');
  return renderPage({
    title,
    children: (
      <>
        <h1>{title}</h1>
        <p class="usa-intro">{message}</p>
        <p class="verity-error-code">Error {status}</p>
        <p>
          <a class="usa-button" href="/">
            Go to the home page
          </a>
        </p>
      </>
    ),
  });
}
