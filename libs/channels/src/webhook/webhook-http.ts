import http, { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The start of the response body: enough for an error message, never the whole of a large answer. */
  body: string;
}

export interface PostOptions {
  /** Resolves the host; the SSRF guard passes one that answers only the checked addresses. */
  lookup: LookupFunction;
  /** For the whole exchange: connect, send, and read the answer. */
  timeoutMs: number;
  agent?: http.Agent;
}

const MAX_BODY_BYTES = 4096;

/**
 * One POST over node:http(s), used instead of fetch because fetch (undici)
 * takes no per-request `lookup`, and the SSRF guard needs to choose the
 * address. Redirects are never followed (node:http does not follow them), so a
 * 3xx comes back to the caller as it is. Rejects only when no answer came.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<HttpAnswer> {
  const client = url.protocol === 'https:' ? https : http;
  const payload = Buffer.from(body);
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answer!);
    };
    const request = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        // The name, not an address: the Host header and TLS (SNI, certificate check) use it; `lookup` picks the address.
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        headers: { ...headers, 'content-length': String(payload.length) },
        lookup: options.lookup,
        agent: options.agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = () => ({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) return;
          chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
          size += chunk.length;
          // The status is what counts; an endless body must not keep the delivery waiting for the timeout.
          if (size >= MAX_BODY_BYTES) {
            settle(undefined, answer());
            response.destroy();
          }
        });
        response.on('end', () => settle(undefined, answer()));
        response.on('error', (error) => settle(error));
        response.on('close', () => settle(undefined, answer()));
      },
    );
    const timer = setTimeout(() => {
      const error = new Error(`no answer within ${options.timeoutMs} ms`);
      settle(error);
      request.destroy(error);
    }, options.timeoutMs);
    request.on('error', (error) => settle(error));
    request.end(payload);
  });
}
