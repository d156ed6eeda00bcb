/** Query parameters that carry secrets (the inbox stream's `?token=`, a key pasted into a URL), any case. */
const SECRET_PARAMETER = /^(?:token|key)$/i;

/** Secrets that travel in query strings are kept out of request logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|key)=)[^&#]*/gi, '$1[Redacted]');
}

/** The parsed query of a request log, with the same parameters hidden as in its URL. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [name, SECRET_PARAMETER.test(name) ? '[Redacted]' : value]),
  );
}
