/**
 * The video call queue on the member's pages (lambdas/pages/verify-video.tsx). Our own file, as
 * the CSP allows no inline script. Every 5 seconds it asks `data-video-status` (GET
 * /verify/video/status, JSON {state, position, waitMinutes}) and rewrites the place and the wait
 * in the page's live region; when the state changes (an agent is ready, the place was released,
 * the agent decided) it reloads, and the server renders the page for the new state. Without
 * JavaScript the page reloads itself (a meta refresh in noscript) and offers "Check my place".
 */
const POLL_MS = 5000;

const region = document.querySelector('[data-video-status]');

/** The state the page was rendered for. */
const shownState = () => {
  if (document.querySelector('[data-video-position]')) return 'waiting';
  if (document.querySelector('a[href="/verify/call"]')) return 'called';
  return 'call';
};

const minutes = (n) => (n === 1 ? '1 minute' : `${n} minutes`);

async function poll() {
  let status;
  try {
    const response = await fetch(region.dataset.videoStatus, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (!response.ok || !response.headers.get('content-type')?.includes('application/json')) {
      // Signed out, or something unusual: the server's page says what.
      window.location.reload();
      return;
    }
    status = await response.json();
  } catch {
    // Offline for a moment: try again at the next tick.
    return;
  }
  const shown = shownState();
  if (shown === 'waiting' && status.state === 'waiting') {
    const position = region.querySelector('[data-video-position]');
    const wait = region.querySelector('[data-video-wait]');
    if (position && position.textContent !== String(status.position))
      position.textContent = String(status.position);
    if (wait && wait.textContent !== minutes(status.waitMinutes))
      wait.textContent = minutes(status.waitMinutes);
    return;
  }
  const unchanged = (shown === 'called' || shown === 'call') && status.state === 'called';
  if (!unchanged) {
    // On the call page, a decision takes the member to the result.
    window.location.assign(shown === 'call' ? '/verify/video' : window.location.pathname);
  }
}

if (region) setInterval(poll, POLL_MS);
