/**
 * The page shell every hosted page shares: USWDS header with a skip link, main landmark, slim
 * footer. No inline script or style anywhere (the CSP forbids both); USWDS's JS and CSS come
 * from our own /assets.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

const USWDS = '/assets/uswds';

export interface LayoutProps {
  readonly title: string;
  readonly children: ComponentChildren;
  /** Set when a member is signed in: the header offers My Account and Sign out. */
  readonly signedIn?: { readonly csrfToken: string };
  /** A page that goes on by itself, at once, to this path on the site (meta refresh). */
  readonly goesOnTo?: string;
  /**
   * Where JavaScript does not run, the page reloads itself after this many seconds (a meta
   * refresh inside noscript: a browser running the page's script never sees it).
   */
  readonly reloadsWithoutScript?: number;
  /** A page's own scripts (our files under /assets: the CSP allows no inline script). */
  readonly scripts?: readonly string[];
  /** Set on the agent console: the header offers the queue and Sign out of the workforce session. */
  readonly agent?: { readonly csrfToken: string };
}

export function Layout({
  title,
  children,
  signedIn,
  goesOnTo,
  reloadsWithoutScript,
  scripts,
  agent,
}: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | Verity`}</title>
        {goesOnTo ? <meta http-equiv="refresh" content={`0;url=${goesOnTo}`} /> : null}
        {reloadsWithoutScript ? (
          <noscript>
            <meta http-equiv="refresh" content={String(reloadsWithoutScript)} />
          </noscript>
        ) : null}
        <link rel="icon" href={`${USWDS}/img/favicons/favicon.ico`} />
        <link rel="stylesheet" href={`${USWDS}/css/uswds.min.css`} />
        <link rel="stylesheet" href="/assets/verity/verity.css" />
        <script src={`${USWDS}/js/uswds-init.min.js`} />
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">
          Skip to main content
        </a>
        <Header signedIn={signedIn} agent={agent} />
        <main id="main-content" class="grid-container usa-section" tabIndex={-1}>
          {children}
        </main>
        <Footer />
        <script src={`${USWDS}/js/uswds.min.js`} />
        {(scripts ?? []).map((src) => (
          <script key={src} type="module" src={src} />
        ))}
      </body>
    </html>
  );
}

function Header({ signedIn, agent }: Pick<LayoutProps, 'signedIn' | 'agent'>) {
  return (
    <>
      <div class="usa-overlay" />
      <header class="usa-header usa-header--basic">
        <div class="usa-nav-container">
          <div class="usa-navbar">
            <div class="usa-logo">
              <em class="usa-logo__text">
                <a href="/" title="Verity home">
                  Verity
                </a>
              </em>
            </div>
            <button type="button" class="usa-menu-btn">
              Menu
            </button>
          </div>
          <nav aria-label="Primary" class="usa-nav">
            <button type="button" class="usa-nav__close">
              <img src={`${USWDS}/img/usa-icons/close.svg`} alt="Close" />
            </button>
            <ul class="usa-nav__primary usa-accordion">
              {agent ? (
                <AgentNav csrfToken={agent.csrfToken} />
              ) : signedIn ? (
                <>
                  <li class="usa-nav__primary-item">
                    <a class="usa-nav-link" href="/account">
                      <span>My Account</span>
                    </a>
                  </li>
                  <li class="usa-nav__primary-item">
                    <form method="post" action="/sign-out" class="verity-nav-form">
                      <input type="hidden" name="_csrf" value={signedIn.csrfToken} />
                      <button type="submit" class="usa-button usa-button--unstyled usa-nav-link">
                        Sign out
                      </button>
                    </form>
                  </li>
                </>
              ) : (
                <li class="usa-nav__primary-item">
                  <a class="usa-nav-link" href="/sign-in">
                    <span>Sign in</span>
                  </a>
                </li>
              )}
            </ul>
          </nav>
        </div>
      </header>
    </>
  );
}

/** The agent console's own header links: its queue, and signing out of the workforce session. */
function AgentNav({ csrfToken }: { csrfToken: string }) {
  return (
    <>
      <li class="usa-nav__primary-item">
        <a class="usa-nav-link" href="/agent">
          <span>Queue</span>
        </a>
      </li>
      <li class="usa-nav__primary-item">
        <form method="post" action="/agent/sign-out" class="verity-nav-form">
          <input type="hidden" name="_csrf" value={csrfToken} />
          <button type="submit" class="usa-button usa-button--unstyled usa-nav-link">
            Sign out
          </button>
        </form>
      </li>
    </>
  );
}

function Footer() {
  return (
    <footer class="usa-footer usa-footer--slim">
      <div class="usa-footer__primary-section">
        <div class="grid-container">
          <nav aria-label="Footer" class="usa-footer__nav">
            <ul class="grid-row grid-gap">
              <li class="usa-footer__primary-content">
                <a class="usa-footer__primary-link" href="/">
                  Home
                </a>
              </li>
              <li class="usa-footer__primary-content">
                <a class="usa-footer__primary-link" href="/health">
                  Service status
                </a>
              </li>
            </ul>
          </nav>
        </div>
      </div>
      <div class="usa-footer__secondary-section">
        <div class="grid-container">
          <p class="verity-footer-note">
            Verity is open-source identity software run by the organization that deployed it.
          </p>
        </div>
      </div>
    </footer>
  );
}

/** Renders a whole document. */
export function renderPage(props: LayoutProps): string {
  return `<!DOCTYPE html>${renderToString(<Layout {...props} />)}`;
}
