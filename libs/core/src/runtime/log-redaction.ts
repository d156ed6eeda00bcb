/** Secrets that travel in query strings (the inbox stream's `?token=`) are kept out of request logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|key)=)[^&#]*/gi, '$1[Redacted]');
}
