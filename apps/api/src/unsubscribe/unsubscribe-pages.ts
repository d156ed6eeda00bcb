/**
 * The two small pages a person sees: the confirmation a GET shows (mail scanners follow links, so a GET only asks)
 * and the answer to the POST. Plain HTML with no script and nothing loaded from elsewhere, so helmet's CSP needs
 * no exception: `form-action 'self'` allows the form (it posts to the page's own URL, which holds the token, so it
 * works behind any PUBLIC_URL path), `frame-ancestors 'self'` keeps other sites from framing the button.
 */

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;background:#f6f7f9;color:#1d2330}' +
  'main{max-width:28rem;margin:0 auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px #0002}' +
  'h1{font-size:1.4rem;margin-top:0}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;' +
  'background:#1d4ed8;color:#fff;cursor:pointer}';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
  );
}

/** Asks before unsubscribing; the button POSTs RFC 8058's body to this same URL. */
export function confirmationPage(category: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop receiving <strong>${escapeHtml(category)}</strong> emails?</p>` +
      '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">' +
      '<button type="submit">Unsubscribe</button></form>',
  );
}

/** Says it is done (also when it already was). */
export function unsubscribedPage(category: string): string {
  return page(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><p>You will no longer receive <strong>${escapeHtml(category)}</strong> emails. ` +
      'Other messages are not affected.</p>',
  );
}
