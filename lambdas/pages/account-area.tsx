/**
 * My Account: the member's account area in the job aids' words ("From My Account, select
 * Profile"). Three parts, each one step from the others through the side navigation that every
 * page of the area shows: Profile (the Email section), Sign-in and security, Connected partners.
 */
import type { ComponentChildren } from 'preact';
import { Notice } from './forms.tsx';
import { renderPage } from './layout.tsx';

export const ACCOUNT_AREA = 'My Account';

export type AccountPart = 'profile' | 'security' | 'partners';

/** The parts in the order the navigation lists them: the names members read, and where each is. */
export const ACCOUNT_PARTS: readonly {
  readonly part: AccountPart;
  readonly name: string;
  readonly path: string;
}[] = [
  { part: 'profile', name: 'Profile', path: '/account' },
  { part: 'security', name: 'Sign-in and security', path: '/account/security' },
  { part: 'partners', name: 'Connected partners', path: '/account/partners' },
];

export const partName = (part: AccountPart): string =>
  ACCOUNT_PARTS.find((p) => p.part === part)?.name ?? ACCOUNT_AREA;

/**
 * A page of My Account: its heading, the navigation to the three parts beside it (above it on
 * phones), and a notice under the heading. `part` is the part the page belongs to; a page that
 * is not the part itself (Account history, under Sign-in and security) gives its own heading.
 */
export function renderAccountPage(props: {
  part: AccountPart;
  csrfToken: string;
  /** The page's own heading, when it is not the part's. */
  heading?: string;
  notice?: string;
  children: ComponentChildren;
}): string {
  const heading = props.heading ?? partName(props.part);
  return renderPage({
    title: `${heading} | ${ACCOUNT_AREA}`,
    signedIn: { csrfToken: props.csrfToken },
    children: (
      <div class="grid-row grid-gap">
        <div class="grid-col-12 desktop:grid-col-3 margin-bottom-4">
          <AccountNav current={props.part} onPartPage={props.heading === undefined} />
        </div>
        <div class="grid-col-12 desktop:grid-col-9">
          <h1 class="margin-top-0">{heading}</h1>
          {props.notice ? <Notice heading={props.notice} /> : null}
          {props.children}
        </div>
      </div>
    ),
  });
}

/**
 * The USWDS side navigation of My Account. The current part is marked for everyone: with
 * `aria-current="page"` on the part's own page, `aria-current="true"` on a page within it.
 */
function AccountNav({ current, onPartPage }: { current: AccountPart; onPartPage: boolean }) {
  return (
    <nav aria-labelledby="account-nav-name">
      <p id="account-nav-name" class="text-bold font-sans-md margin-top-0 margin-bottom-1">
        {ACCOUNT_AREA}
      </p>
      <ul class="usa-sidenav">
        {ACCOUNT_PARTS.map(({ part, name, path }) => (
          <li class="usa-sidenav__item" key={part}>
            {part === current ? (
              <a href={path} class="usa-current" aria-current={onPartPage ? 'page' : 'true'}>
                {name}
              </a>
            ) : (
              <a href={path}>{name}</a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
