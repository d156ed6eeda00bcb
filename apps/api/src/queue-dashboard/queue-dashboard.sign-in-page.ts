import { QUEUE_DASHBOARD_PATH } from './queue-dashboard.path';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What a browser without a session sees at the dashboard: a form that trades an admin key for the session cookie. No script, so the default CSP holds. */
export function signInPage(message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald queues: sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0}p.error{color:#b00020}</style>
</head><body>
<h1>Herald queues</h1>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="${QUEUE_DASHBOARD_PATH}/session">
<label for="key">Admin API key</label>
<input id="key" name="key" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button>
</form>
</body></html>
`;
}
