/**
 * Server-rendered HTML: a tagged template that escapes every value it is given unless that value
 * is itself HTML made here, and the one page layout both demo partners use.
 */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

export interface PageOptions {
  /** The page's one h1, and the start of its title. */
  readonly title: string;
  /** Which demo partner the page belongs to: its name and home in the header. */
  readonly app?: { readonly name: string; readonly home: string };
  readonly body: Html;
}

export function page({ title, app, body }: PageOptions): string {
  const brand = app ? html`<a href="${app.home}">${app.name}</a>` : 'Verity demo partners';
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - ${app?.name ?? 'Verity demo partners'}</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<header>
<p class="brand">${brand}</p>
<p class="notice">A demo partner of Verity for trying sign-in locally. Not a real service.</p>
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`}`;
}

/** A problem shown above a form: read out as soon as the page loads. */
export const problem = (message: string | undefined) =>
  message ? html`<div class="problem" role="alert"><p>${message}</p></div>` : html``;

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export const STYLESHEET = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem; line-height: 1.5; color: #1b1b1b; background: #fff; }
header { border-bottom: 1px solid #565c65; margin-bottom: 1rem; }
.brand { font-size: 1.25rem; font-weight: bold; margin: 0; }
.notice { margin: 0 0 0.5rem; color: #3d4551; }
a { color: #005ea2; }
form { margin: 0 0 1.5rem; }
label { display: block; font-weight: bold; margin-top: 0.75rem; }
input[type=email], input[type=password], input[type=text] { display: block; width: 100%; max-width: 24rem; padding: 0.5rem; border: 1px solid #565c65; font-size: 1rem; }
button { margin-top: 0.75rem; padding: 0.5rem 1rem; font-size: 1rem; border: 0; border-radius: 0.25rem; background: #005ea2; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #005ea2; border: 2px solid #005ea2; }
.problem { border-left: 0.5rem solid #b50909; background: #f4e3db; padding: 0.25rem 1rem; margin-bottom: 1rem; }
.success { border-left: 0.5rem solid #00a91c; background: #ecf3ec; padding: 0.25rem 1rem; margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #a9aeb1; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td ul, td dl { margin: 0; padding-left: 1.25rem; }
code { word-break: break-all; }
`;
