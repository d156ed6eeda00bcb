/**
 * One request to Herald's api with the admin key: the JSON answer, or undefined when the api did not answer it
 * (unreachable, 5xx, 429, or 409 for an idempotency key a cut request still holds: what a fault does). Any other refusal throws, since the suite sent something wrong.
 */
export async function adminRequest<T>(
  baseUrl: string,
  adminKey: string,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  body?: object,
): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return undefined;
  }
  if (response.status >= 500 || response.status === 429 || response.status === 409) return undefined;
  if (response.status >= 400) throw new Error(`${method} ${path} refused: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A PUT of the set-up, before any fault: the api must take it. */
export async function prepared(baseUrl: string, adminKey: string, path: string, body: object): Promise<void> {
  if (!(await adminRequest(baseUrl, adminKey, 'PUT', path, body))) throw new Error(`PUT ${path} failed`);
}
