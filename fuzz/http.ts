import { Agent, request as httpRequest } from 'node:http';
import type { FuzzRequest } from './generator';

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** Why a request got no answer: Herald closed the connection, refused it, or took longer than the timeout. */
export class NoAnswer extends Error {}

/** Node itself refused to send it (a header or path it cannot write): the generator's fault, not Herald's. */
export class Unsendable extends Error {}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends a request as generated, bytes and all (fetch would normalise the path, refuse a body on GET and set its own
 * content type). A Server-Sent Events answer is cut after its head. `x-fuzz-request` carries the request's index
 * into Herald's logs, where a 500's stack is found by it.
 */
export function send(baseUrl: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  const started = Date.now();
  const url = new URL(baseUrl);
  const body = request.body;
  const headers: Record<string, string> = { ...request.headers, 'x-fuzz-request': String(request.index) };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = httpRequest(
        { agent, host: url.hostname, port: url.port, method: request.method, path: request.path, headers },
        (res) => {
          const type = String(res.headers['content-type'] ?? '');
          if (type.startsWith('text/event-stream')) {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '', ms: Date.now() - started });
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: Date.now() - started,
            }),
          );
          res.on('error', (error) => reject(new NoAnswer(`answer cut: ${error.message}`)));
        },
      );
    } catch (error) {
      reject(new Unsendable((error as Error).message));
      return;
    }
    req.setTimeout(timeoutMs, () => req.destroy(new NoAnswer(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof NoAnswer ? error : new NoAnswer(error.message)));
    req.end(body);
  });
}

export function closeConnections(): void {
  agent.destroy();
}
