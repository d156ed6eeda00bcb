import { inboxToken } from '@herald/recipients';
import { OpenApiDocument, Operation, Parameter, resourceOf } from './openapi';
import type { Pool } from './pool';
import type { Prng } from './prng';
import { replaceAt, SchemaValues } from './schema-values';
import { hostileValue, INJECTIONS, prototypeKeys, setOwn, toJson } from './values';

export type Mode = 'valid' | 'boundary' | 'hostile';

/** One generated request, as sent and as reported. */
export interface FuzzRequest {
  index: number;
  route: string;
  mode: Mode;
  /** What was put out of bounds or made hostile, e.g. `body.to.email: wrong type (array)`. */
  mutation?: string;
  method: string;
  /** The path with its parameters and query string, as sent. */
  path: string;
  /** Path parameters before encoding (to remember what a 2xx created). */
  params: Record<string, string>;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Which credential it carried: admin, send, read, recipients, none, bogus, recipient-token... */
  auth: string;
}

export interface Credentials {
  admin: string;
  scoped: Record<'send' | 'read' | 'recipients', string>;
  inboxSecret: string;
}

/** Headers Herald reads that the document does not list (yet). */
const UNDOCUMENTED_HEADERS: Record<string, string> = { 'POST /v1/notifications': 'idempotency-key' };

/** Path segments that are already URL-safe: traversal, bad escapes, numbers JavaScript mangles, odd ids. */
const RAW_PATH_VALUES = [
  '..',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '....%2F%2F',
  '%00',
  'a%00b',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  '%0d%0aSet-Cookie:%20x=1',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '2147483648',
  '9007199254740993',
  'NaN',
  'Infinity',
  '0x1F',
  '1.5',
  '%201',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '%7B%7Bconstructor%7D%7D',
  '%27%3B%20DROP%20TABLE%20notifications%3B--',
];

const RAW_QUERY_VALUES = ['', '-1', '0', '201', '1e309', '99999999999999999999', 'NaN', 'abc', '1.5', '%201', '0x10'];
const RAW_QUERY_EXTRA = ['limit=1&limit=2', 'limit[]=1', 'limit[a]=1', 'cursor=a&cursor=b', '__proto__[x]=1', 'a=%ZZ'];

const MALFORMED_JSON: (string | Buffer)[] = [
  '{',
  '{"to":',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"__proto__":',
  'undefined',
  'NaN',
  '',
  ' ',
  'null',
  '1',
  '"text"',
  'true',
  '[]',
  '\ufeff{}',
  '['.repeat(50_000),
  '{"a":'.repeat(20_000),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'application/merge-patch+json',
  'application/problem+json',
  '*/*',
  'json',
];

const BAD_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer null',
  'Bearer undefined',
  `Bearer ${'x'.repeat(4000)}`,
  'Bearer hk_\xe9\xff',
  'Bearer a b c',
  'Token abc',
];

/** Builds requests for one operation: valid from its schemas, or with one part on a boundary or hostile. */
export class RequestGenerator {
  private readonly values: SchemaValues;
  private readonly idempotencyKeys: string[] = [];

  constructor(
    doc: OpenApiDocument,
    private readonly pool: Pool,
    private readonly credentials: Credentials,
    private readonly methodsByPath: Map<string, Set<string>>,
  ) {
    this.values = new SchemaValues(doc, pool);
  }

  generate(op: Operation, index: number, rng: Prng): FuzzRequest {
    const mode = rng.weighted<Mode>({ valid: 40, boundary: 20, hostile: 40 });
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const target =
      mode === 'valid'
        ? 'none'
        : mode === 'boundary'
          ? rng.weighted({
              body: op.body ? 4 : 0,
              path: pathParams.length ? 2 : 0,
              query: queryParams.length ? 3 : 0,
              none: 0.5,
            })
          : rng.weighted({
              body: op.body ? 6 : 0,
              extraKey: op.body ? 2 : 0,
              dropRequired: op.body ? 1 : 0,
              bodyShape: 2,
              malformed: 2,
              contentType: op.body ? 2 : 0,
              path: pathParams.length ? 4 : 0,
              query: queryParams.length ? 3 : 0,
              queryExtra: 1,
              header: 1,
              auth: 1,
              method: 0.5,
              oversize: 0.15,
            });
    let mutation: string | undefined;
    const request: FuzzRequest = {
      index,
      route: op.route,
      mode,
      method: op.method,
      path: '',
      params: {},
      headers: {},
      auth: '',
    };

    // Path parameters: existing objects mostly, so routes past the 404 are reached.
    const segments: Record<string, string> = {};
    const mutatedPathParam = target === 'path' ? rng.pick(pathParams).name : undefined;
    for (const param of pathParams) {
      let value = this.validPathParam(op, param, rng);
      let encoded = encodePart(value);
      if (param.name === mutatedPathParam) {
        if (mode === 'boundary') {
          const edge = this.values.boundary(param.schema ?? {}, rng);
          value = String(edge.value);
          encoded = encodePart(value);
          mutation = `path ${param.name}: ${edge.what}`;
        } else if (rng.chance(0.6)) {
          encoded = rng.pick(RAW_PATH_VALUES);
          value = encoded;
          mutation = `path ${param.name}: ${encoded}`;
        } else {
          value = asText(hostileValue(rng));
          encoded = encodePart(value.slice(0, 1000));
          mutation = `path ${param.name}: ${describe(value)}`;
        }
      }
      request.params[param.name] = value;
      segments[param.name] = encoded;
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => segments[name] ?? '');

    // Query: required parameters and some optional ones, valid unless it is the target.
    const query: string[] = [];
    const mutatedQuery = target === 'query' ? rng.pick(queryParams).name : undefined;
    for (const param of queryParams) {
      if (param.name !== mutatedQuery && !param.required && !rng.chance(0.4)) continue;
      let value = encodePart(String(this.values.valid(param.schema, param.name, rng)));
      if (param.name === mutatedQuery) {
        if (mode === 'boundary') {
          const edge = this.values.boundary(param.schema ?? {}, rng);
          value = encodePart(String(edge.value));
          mutation = `query ${param.name}: ${edge.what}`;
        } else {
          value = rng.chance(0.5) ? rng.pick(RAW_QUERY_VALUES) : encodePart(asText(hostileValue(rng)).slice(0, 1000));
          mutation = `query ${param.name}: ${describe(decodeSafely(value))}`;
        }
      }
      query.push(`${param.name}=${value}`);
    }
    if (target === 'queryExtra') {
      const extra = rng.chance(0.5)
        ? rng.pick(RAW_QUERY_EXTRA)
        : `${rng.pick(['foo', '__proto__', 'constructor', 'token'])}=${encodePart(rng.pick(INJECTIONS))}`;
      query.push(extra);
      mutation = `query extra: ${extra}`;
    }
    request.path = query.length ? `${path}?${query.join('&')}` : path;

    this.authenticate(op, request, rng, target === 'auth');
    if (target === 'auth') mutation = `authorization: ${describe(request.headers.authorization ?? '')}`;

    const header = UNDOCUMENTED_HEADERS[op.route];
    if (header === 'idempotency-key' && (target === 'header' || rng.chance(0.3))) {
      request.headers[header] = this.idempotencyKey(rng, target === 'header' ? mode : 'valid');
      if (target === 'header') mutation = `header ${header}: ${describe(request.headers[header])}`;
    } else if (target === 'header') {
      const [name, value] = rng.pick<[string, string]>([
        ['x-recipient-token', rng.pick(['', 'x', 'a'.repeat(4000), '\xe9\xff'])],
        ['accept', 'application/xml'],
        ['x-forwarded-for', "127.0.0.1, ' OR 1=1"],
        ['content-encoding', rng.pick(['gzip', 'br', 'bogus'])],
      ]);
      request.headers[name] = value;
      mutation = `header ${name}: ${describe(value)}`;
    }

    // Body: valid from the schema, then one mutation when it is the target.
    if (op.body) {
      let body = this.values.valid(op.body, '', rng);
      const sites = this.values.sites(body, op.body);
      if (target === 'body') {
        const site = rng.pick(sites);
        const where = `body${site.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('')}`;
        const change =
          mode === 'boundary'
            ? this.values.boundary(site.schema, rng)
            : rng.chance(0.4)
              ? this.values.wrongType(site.schema, rng)
              : (() => {
                  const value = hostileValue(rng);
                  return { value, what: describe(value) };
                })();
        body = replaceAt(body, site.path, change.value);
        mutation = `${where}: ${change.what}`;
      } else if (target === 'extraKey') {
        const objects = sites.filter(({ path: at }) => isObject(at.length ? lookup(body, at) : body));
        const site = rng.pick(objects.length ? objects : [{ path: [], schema: {} }]);
        const key = rng.pick([
          'unknownField',
          '__proto__',
          'constructor',
          'prototype',
          '',
          ' ',
          'a'.repeat(1000),
          '$where',
          'toString',
        ]);
        const value = rng.chance(0.5) ? prototypeKeys(rng) : hostileValue(rng);
        const parent = site.path.length ? lookup(body, site.path) : body;
        if (isObject(parent)) setOwn(parent, key, value);
        mutation = `extra key body${site.path.map((step) => `.${step}`).join('')}.${describe(key)}: ${describe(value)}`;
      } else if (target === 'dropRequired') {
        const withRequired = sites.filter((site) => site.schema.required?.length && isObject(lookup(body, site.path)));
        if (withRequired.length) {
          const site = rng.pick(withRequired);
          const key = rng.pick(site.schema.required!);
          body = replaceAt(body, [...site.path, key], undefined);
          mutation = `required body${site.path.map((step) => `.${step}`).join('')}.${key} removed`;
        }
      }
      request.body = toJson(body);
      request.headers['content-type'] = 'application/json';
    }
    if (target === 'bodyShape') {
      const shape = rng.pick<unknown>([[], [{}], 'text', 42, null, true, {}, prototypeKeys(rng), hostileValue(rng)]);
      request.body = toJson(shape);
      request.headers['content-type'] = 'application/json';
      mutation = `whole body: ${describe(shape)}`;
    } else if (target === 'malformed') {
      request.body = rng.pick(MALFORMED_JSON);
      request.headers['content-type'] = 'application/json';
      mutation = `malformed JSON: ${describe(request.body)}`;
    } else if (target === 'contentType') {
      const type = rng.pick([...CONTENT_TYPES, '']);
      if (type) request.headers['content-type'] = type;
      else delete request.headers['content-type'];
      if (type.startsWith('application/x-www-form') && rng.chance(0.5))
        request.body = 'to[email]=a@example.com&template=x';
      mutation = `content-type: ${type || '(none)'}`;
    } else if (target === 'oversize') {
      request.body = `{"data":{"x":"${'x'.repeat(1_100_000)}"}}`;
      request.headers['content-type'] = 'application/json';
      mutation = 'body over 1 MiB';
    } else if (target === 'method') {
      const documented = this.methodsByPath.get(op.path) ?? new Set();
      const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => !documented.has(method));
      if (others.length) {
        request.method = rng.pick(others);
        mutation = `method ${request.method} (not documented for the path)`;
      }
    }
    request.mutation = mutation;
    request.route = op.route;
    return request;
  }

  private validPathParam(op: Operation, param: Parameter, rng: Prng): string {
    const known = this.pool.pick(rng, resourceOf(op.path, param.name));
    if (known !== undefined && rng.chance(0.75)) return known;
    const schema = this.values.resolve(param.schema);
    if (schema.type === 'number' || schema.type === 'integer') return String(rng.int(1, 3));
    if (schema.pattern) return String(this.values.valid(schema, param.name, rng));
    return rng.chance(0.5) ? rng.uuid() : `fuzz-${rng.hex(8)}`;
  }

  /** Mostly the admin key; sometimes a narrower key, none, an unknown one, or an inbox's recipient token. */
  private authenticate(op: Operation, request: FuzzRequest, rng: Prng, hostile: boolean): void {
    if (hostile) {
      request.auth = 'malformed';
      request.headers.authorization = rng.chance(0.8)
        ? rng.pick(BAD_AUTHORIZATION)
        : `Bearer ${this.credentials.admin}x`;
      return;
    }
    const tokenHeader = op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === 'x-recipient-token');
    if (tokenHeader && rng.chance(0.4)) {
      const own = rng.chance(0.8);
      const recipient = own ? (request.params.id ?? '') : `other-${rng.hex(4)}`;
      request.auth = own ? 'recipient-token' : 'recipient-token (another recipient)';
      request.headers['x-recipient-token'] = inboxToken(this.credentials.inboxSecret, recipient);
      return;
    }
    const choice = rng.weighted({ admin: 80, scoped: 12, none: 5, bogus: 3 });
    if (choice === 'none') {
      request.auth = 'none';
    } else if (choice === 'bogus') {
      request.auth = 'unknown key';
      request.headers.authorization = `Bearer hk_${rng.hex(32)}`;
    } else if (choice === 'scoped') {
      const scope = rng.pick(['send', 'read', 'recipients'] as const);
      request.auth = scope;
      request.headers.authorization = `Bearer ${this.credentials.scoped[scope]}`;
    } else {
      request.auth = 'admin';
      request.headers.authorization = `Bearer ${this.credentials.admin}`;
    }
  }

  /** A fresh key, or one used before (same body or not), or an edge of its 1 to 255 characters. */
  private idempotencyKey(rng: Prng, mode: Mode): string {
    if (mode === 'valid') {
      if (this.idempotencyKeys.length && rng.chance(0.3)) return rng.pick(this.idempotencyKeys);
      const key = `fuzz-${rng.hex(12)}`;
      this.idempotencyKeys.push(key);
      return key;
    }
    return rng.pick([
      '',
      ' ',
      'x'.repeat(255),
      'x'.repeat(256),
      'x'.repeat(6000),
      '\xe9\xff\xe9',
      '../../x',
      "'; DROP TABLE idempotency_keys; --",
    ]);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(root: unknown, path: (string | number)[]): unknown {
  let value = root;
  for (const step of path) value = (value as Record<string | number, unknown>)[step];
  return value;
}

/** encodeURIComponent, but a lone surrogate goes as the (invalid) UTF-8 bytes of its code unit instead of throwing. */
function encodePart(value: string): string {
  // With the u flag each match is one code point: a pair's two halves together, a lone half alone.
  return value.replace(/[^]/gu, (char) => {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(char);
  });
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : toJson(value);
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A short, printable description of a value (long strings and deep nesting summarised). */
export function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `bytes ${value.toString('hex').slice(0, 40)}`;
  const text = typeof value === 'string' ? JSON.stringify(value) : toJson(value);
  if (text.length <= 80) return text;
  const unique = [...new Set(text)].length;
  return `${text.slice(0, 60)}… (${text.length} chars${unique < 4 ? ', repeated' : ''})`;
}
