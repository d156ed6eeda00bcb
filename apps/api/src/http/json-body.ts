import type { IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The largest JSON body read, after decompression: 1 MiB. Past it, 413. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/** `application/json` and `application/*+json` (merge-patch, problem, ...), parameters allowed, any case. */
const JSON_TYPES = /^\s*application\/(?:[^\s;/]+\+)?json\s*(?:;|$)/i;
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

/** A refusal of the body, with the status the problem document carries (ProblemFilter reads `status`). */
class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const DECOMPRESS: Record<string, (body: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

function decoded(headers: IncomingHttpHeaders, body: Buffer): Buffer {
  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return body;
  const decompress = DECOMPRESS[encoding];
  if (!decompress) throw new BodyError(415, `unsupported content encoding "${encoding}"`);
  try {
    return decompress(body, { maxOutputLength: JSON_BODY_LIMIT });
  } catch (error) {
    if (error instanceof RangeError) throw new BodyError(413, 'request entity too large');
    throw new BodyError(400, `invalid ${encoding} body`);
  }
}

function text(headers: IncomingHttpHeaders, body: Buffer): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8') return body.toString('utf8');
  if (!charset.startsWith('utf-')) throw new BodyError(415, `unsupported charset "${charset.toUpperCase()}"`);
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    throw new BodyError(415, `unsupported charset "${charset.toUpperCase()}"`);
  }
}

/**
 * What Express's `express.json()` did before the move to Fastify, kept so that clients see no change: an
 * empty body is `{}`; only an object or an array at the top (anything else is 400); gzip, deflate and br
 * bodies are inflated (the 1 MiB holds for the inflated body), other encodings and non-UTF charsets are 415;
 * `__proto__` is an ordinary key (the validation pipe drops it), where Fastify's own parser would refuse it.
 */
function parseJson(headers: IncomingHttpHeaders, body: Buffer): unknown {
  const source = text(headers, decoded(headers, body));
  if (source.length === 0) return {};
  const first = FIRST_CHAR.exec(source)?.[1];
  if (first !== '{' && first !== '[')
    throw new BodyError(400, `Unexpected token ${first ?? 'end'} in JSON at position 0`);
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new BodyError(400, (error as Error).message);
  }
}

/**
 * Bodies: JSON of the types above up to JSON_BODY_LIMIT (413 past it, from Fastify's reader). Every other
 * content type, or none, leaves the body undefined without reading it, as Express did, so a DTO answers 422
 * rather than Fastify's 415. With the app's `rawBody: true` each JSON request keeps its bytes as
 * `request.rawBody` (the hook for signed provider callbacks).
 */
export function registerJsonBody(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  app.useBodyParser(JSON_TYPES, { bodyLimit: JSON_BODY_LIMIT }, (req, body, done) => {
    try {
      done(null, parseJson(req.headers, body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
}
