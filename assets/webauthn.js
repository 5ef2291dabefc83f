/**
 * Security keys and passkeys on the MFA pages (lambdas/pages/mfa-webauthn.tsx). Our own file, as
 * the CSP allows no inline script; @simplewebauthn/browser's bundle, loaded before this module
 * from our own origin too, provides window.SimpleWebAuthnBrowser.
 *
 * A form marked `data-webauthn="register"` or `"authenticate"` runs the ceremony when submitted:
 * it POSTs its own fields (with the CSRF token) to `data-webauthn-options` for the options, lets
 * the browser talk to the key, puts the key's answer in the hidden `credential` field and submits
 * the form. The server answers with a page, as for any form; what goes wrong before that is said
 * in the form's `data-webauthn-problem` live region.
 */
const { startRegistration, startAuthentication, browserSupportsWebAuthn } = window.SimpleWebAuthnBrowser;

const MESSAGES = {
  unsupported:
    'This browser cannot use security keys or passkeys. Choose another method, or try another browser.',
  cancelled: 'The key did not answer, or the request was cancelled. Try again.',
  registered: 'That security key is already on your account. Use another key, or choose another method.',
  failed: 'Something went wrong with the security key. Try again, or choose another method.',
};

class Problem extends Error {}

/** The key's answer without the copies of its parts that the server does not read. */
const ANSWER_FIELDS = {
  register: ['clientDataJSON', 'attestationObject', 'transports'],
  authenticate: ['clientDataJSON', 'authenticatorData', 'signature', 'userHandle'],
};

function answerOf(ceremony, credential) {
  const response = Object.fromEntries(
    ANSWER_FIELDS[ceremony]
      .filter((name) => credential.response[name] !== undefined)
      .map((name) => [name, credential.response[name]]),
  );
  return { ...credential, response };
}

async function optionsFor(form) {
  const response = await fetch(form.dataset.webauthnOptions, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    body: new URLSearchParams(new FormData(form)),
  });
  // The session ended, or this step is already done: go where the server sends us.
  if (response.redirected) {
    window.location.assign(response.url);
    return new Promise(() => {});
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Problem(body.error_description ?? MESSAGES.failed);
  return body;
}

function messageFor(error) {
  if (error instanceof Problem) return error.message;
  if (error?.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return MESSAGES.registered;
  if (error?.name === 'NotAllowedError' || error?.name === 'AbortError') return MESSAGES.cancelled;
  return MESSAGES.failed;
}

function showProblem(form, message) {
  const region = form.querySelector('[data-webauthn-problem]');
  region.replaceChildren();
  if (!message) return;
  const alert = document.createElement('div');
  alert.className = 'usa-alert usa-alert--error usa-alert--slim';
  const body = document.createElement('div');
  body.className = 'usa-alert__body';
  const text = document.createElement('p');
  text.className = 'usa-alert__text';
  text.textContent = message;
  body.append(text);
  alert.append(body);
  region.append(alert);
}

async function runCeremony(form) {
  const ceremony = form.dataset.webauthn;
  if (!browserSupportsWebAuthn()) throw new Problem(MESSAGES.unsupported);
  const optionsJSON = await optionsFor(form);
  const start = ceremony === 'register' ? startRegistration : startAuthentication;
  const credential = await start({ optionsJSON });
  form.elements.namedItem('credential').value = JSON.stringify(answerOf(ceremony, credential));
  form.submit();
}

for (const form of document.querySelectorAll('form[data-webauthn]')) {
  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    form.setAttribute('aria-busy', 'true');
    showProblem(form, '');
    runCeremony(form).catch((error) => {
      busy = false;
      form.removeAttribute('aria-busy');
      showProblem(form, messageFor(error));
    });
  });
}
