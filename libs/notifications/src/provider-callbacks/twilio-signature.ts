import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as they came, in order; a name may repeat. */
export type FormParams = [name: string, value: string][];

/**
 * Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the account's auth token, of the URL Twilio
 * called (with its query string) followed by every POST parameter, sorted by name, as name then value.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const hmac = createHmac('sha1', authToken).update(url);
  for (const [name, value] of sorted) hmac.update(name + value);
  return hmac.digest('base64');
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The URL as Twilio may have signed it: as given, and with the scheme's default port written out or left off
 * (Twilio's own libraries accept both, since a proxy in front of Herald may have added or dropped it).
 */
function signedUrls(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = DEFAULT_PORTS[parsed.protocol];
  if (!defaultPort || (parsed.port !== '' && parsed.port !== defaultPort)) return [url];
  const rest = `${parsed.pathname}${parsed.search}`;
  const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
  return [
    url,
    `${parsed.protocol}//${auth}${parsed.hostname}${rest}`,
    `${parsed.protocol}//${auth}${parsed.hostname}:${defaultPort}${rest}`,
  ];
}

/** Whether `signature` is Twilio's for this request; a missing or malformed one is not. */
export function verifyTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: FormParams,
): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature);
  return signedUrls(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
