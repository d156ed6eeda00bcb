import { OpenApiDocument, resolveSchema, Schema } from './openapi';
import type { Pool } from './pool';
import type { Prng } from './prng';
import { fromPattern, nested, RawJson, setOwn } from './values';

/** A valid Web Push subscription key pair (a P-256 point and 16 bytes), so valid subscriptions get past validation. */
const P256DH = 'BN2JGAA7PwYipKc6nK68-vDL0sscKZBOcGsBomzT0jol8FF6q1r_ccG_JaoM7Rw-l-5e0u7GP_kxC54GV3ifuNA';
const PUSH_AUTH = 'G_4FJSL87nbsDAdNOn_iHA';
const TIMEZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];
const WORDS = ['order', 'shipped', 'hello', 'Ada', 'Grace', 'welcome', 'invoice', 'reminder', 'alert', 'news'];

/** Where a value sits in a body, and the schema it should follow there. */
export interface Site {
  path: (string | number)[];
  schema: Schema;
}

/**
 * Values from the document's schemas: valid ones (required fields, enums, formats, patterns and bounds, plus hints
 * from well-known field names, since the document cannot say that `email` is an address), boundary ones, and ones
 * of the wrong JSON type.
 */
export class SchemaValues {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly pool: Pool,
  ) {}

  resolve(schema: Schema | undefined): Schema {
    return resolveSchema(this.doc, schema);
  }

  valid(schema: Schema | undefined, name: string, rng: Prng, depth = 0): unknown {
    const s = this.resolve(schema);
    if (s.enum?.length) return rng.pick(s.enum);
    const hinted = this.hint(name, s, rng);
    if (hinted !== undefined) return hinted;
    if (s.example !== undefined && rng.chance(0.3)) return structuredClone(s.example);
    switch (typeOf(s)) {
      case 'string':
        return this.validString(s, rng);
      case 'number':
      case 'integer': {
        const min = s.minimum ?? 1;
        return rng.int(min, Math.max(min, Math.min(s.maximum ?? min + 50, min + 50)));
      }
      case 'boolean':
        return rng.chance(0.5);
      case 'array': {
        const min = s.minItems ?? 0;
        const count = rng.int(Math.max(min, 1), Math.max(min, Math.min(s.maxItems ?? 3, min + 3)));
        const items = Array.from({ length: count }, () => this.valid(s.items, name, rng, depth + 1));
        return s.uniqueItems ? [...new Set(items.map((item) => JSON.stringify(item)))].map(parse) : items;
      }
      case 'object': {
        const value: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(s.properties ?? {})) {
          if (s.required?.includes(key) || (depth < 6 && rng.chance(key === 'data' ? 0.95 : 0.6))) {
            setOwn(value, key, this.valid(property, key, rng, depth + 1));
          }
        }
        if (!s.properties && s.additionalProperties) {
          for (let i = rng.int(0, 3); i > 0; i--) setOwn(value, rng.pick(WORDS), rng.pick(WORDS));
        }
        return this.oneShape(value, s, rng);
      }
      default:
        return rng.pick(WORDS);
    }
  }

  /**
   * Valid values the schema cannot describe: addresses, zones, ids of existing objects, renderable content. Names
   * are Herald's; a renamed field loses its hint and falls back to its schema (more 422s, no false failures).
   */
  private hint(name: string, s: Schema, rng: Prng): unknown {
    const type = typeOf(s);
    if (type === 'string' || type === undefined) return this.stringHint(name, rng);
    if ((type === 'number' || type === 'integer') && name === 'version') return rng.int(1, 2);
    if (type !== 'object' || s.properties) return undefined;
    switch (name) {
      case 'data':
        return { orderId: `A-${rng.int(1, 9999)}`, name: rng.pick(WORDS) };
      case 'payload':
        return { event: 'fuzz', order: '{{orderId}}' };
      case 'schema':
        return rng.pick([{ type: 'object' }, { type: 'object', required: ['orderId'] }]);
      case 'locales':
        return { fr: { email: { subject: 'Commande {{orderId}}' } } };
      case 'channels':
        return { [rng.pick(['email', 'sms', 'push', 'webhook', 'in_app'])]: rng.chance(0.7) };
      case 'categories':
        return { marketing: false, orders: { email: rng.chance(0.5) } };
      default:
        return undefined;
    }
  }

  private stringHint(name: string, rng: Prng): string | undefined {
    switch (name) {
      case 'email':
        return `fuzz.${rng.hex(6)}@example.com`;
      case 'phone':
        return `+1555${rng.string('0123456789', 7)}`;
      case 'webhookUrl':
      case 'icon':
        return `https://example.com/${rng.hex(8)}`;
      case 'url':
        return rng.chance(0.5) ? `https://example.com/o/{{orderId}}` : `/orders/{{orderId}}`;
      case 'endpoint':
        return `https://push.example.com/${rng.hex(16)}`;
      case 'timezone':
        return rng.pick(TIMEZONES);
      case 'sendAt':
      case 'since':
      case 'until':
        return new Date(Date.UTC(2026, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23))).toISOString();
      case 'recipientId':
        return this.pool.pick(rng, 'recipients') ?? `fuzz-r-${rng.hex(6)}`;
      case 'template':
        return this.pool.pick(rng, 'templates') ?? 'fuzz.welcome';
      case 'cursor':
        return this.pool.pick(rng, rng.pick(['notifications', 'deliveries'])) ?? rng.uuid();
      case 'p256dh':
        return P256DH;
      case 'auth':
        return PUSH_AUTH;
      case 'subject':
      case 'text':
      case 'html':
      case 'title':
      case 'body':
        return `${rng.pick(WORDS)} {{orderId}} for {{name}}`;
      case 'idempotencyKey':
        return rng.hex(16);
      default:
        return undefined;
    }
  }

  private validString(s: Schema, rng: Prng): string {
    if (s.format === 'uri') return `https://example.com/${rng.hex(8)}`;
    if (s.format === 'uuid') return rng.uuid();
    if (s.format === 'date-time') return new Date(Date.UTC(2026, rng.int(0, 11), rng.int(1, 28))).toISOString();
    if (s.format === 'email') return `fuzz.${rng.hex(6)}@example.com`;
    if (s.pattern) return fromPattern(s.pattern, rng);
    const min = s.minLength ?? 1;
    const max = Math.max(min, Math.min(s.maxLength ?? 24, 24));
    const text = `${rng.pick(WORDS)}-${rng.hex(8)}`;
    return text.padEnd(min, 'x').slice(0, rng.int(min, max));
  }

  /**
   * Shapes the document (one object, every field optional) cannot say: a notification has a template or content, a
   * push subscription is `{ type: 'webpush', endpoint, keys }` or `{ type: 'fcm', token }`.
   */
  private oneShape(value: Record<string, unknown>, s: Schema, rng: Prng): Record<string, unknown> {
    if (s.properties?.template && s.properties.content) {
      if ('template' in value && 'content' in value) delete value[rng.chance(0.7) ? 'content' : 'template'];
      if (!('template' in value) && !('content' in value)) value.template = this.stringHint('template', rng);
    }
    if (value.type === 'webpush') {
      delete value.token;
      value.endpoint ??= `https://push.example.com/${rng.hex(16)}`;
      value.keys ??= { p256dh: P256DH, auth: PUSH_AUTH };
    } else if (value.type === 'fcm') {
      delete value.endpoint;
      delete value.keys;
      value.token ??= `fcm:${rng.hex(40)}`;
    }
    return value;
  }

  /** A value on or just past an edge of the schema; `what` says which edge. */
  boundary(schema: Schema, rng: Prng): { value: unknown; what: string } {
    const s = this.resolve(schema);
    const candidates: [string, unknown][] = [];
    if (s.enum?.length) {
      const first = String(s.enum[0]);
      candidates.push(['enum ""', ''], ['enum upper case', first.toUpperCase()], ['enum + space', `${first} `]);
    }
    switch (typeOf(s)) {
      case 'string': {
        candidates.push(['""', ''], ['" "', ' '], ['"a"', 'a']);
        if (s.minLength) candidates.push([`minLength-1 (${s.minLength - 1})`, 'x'.repeat(s.minLength - 1)]);
        if (s.maxLength !== undefined) {
          candidates.push(
            [`maxLength (${s.maxLength})`, 'x'.repeat(s.maxLength)],
            [`maxLength+1 (${s.maxLength + 1})`, 'x'.repeat(s.maxLength + 1)],
          );
        } else candidates.push(['10000 chars', 'x'.repeat(10_000)]);
        if (s.pattern) candidates.push(['longest match of pattern', fromPattern(s.pattern, rng, true)]);
        break;
      }
      case 'number':
      case 'integer': {
        if (s.minimum !== undefined) candidates.push(['minimum', s.minimum], ['minimum-1', s.minimum - 1]);
        if (s.maximum !== undefined) candidates.push(['maximum', s.maximum], ['maximum+1', s.maximum + 1]);
        candidates.push(
          ['0', 0],
          ['-1', -1],
          ['1.5', 1.5],
          ['2^31', 2 ** 31],
          ['2^53+1', new RawJson('9007199254740993')],
        );
        break;
      }
      case 'array': {
        const item = () => this.valid(s.items, '', rng, 3);
        candidates.push(['[]', []], ['one item', [item()]]);
        if (s.maxItems !== undefined) {
          const max = Math.min(s.maxItems, 1000);
          candidates.push([`maxItems (${max})`, Array.from({ length: max }, item)]);
          candidates.push([`maxItems+1 (${max + 1})`, Array.from({ length: max + 1 }, item)]);
        }
        if (s.uniqueItems) {
          const one = item();
          candidates.push(['duplicate items', [one, one]]);
        }
        break;
      }
      case 'object':
        candidates.push(['{}', {}]);
        break;
      case 'boolean':
        candidates.push(['"true"', 'true'], ['1', 1], ['0', 0]);
        break;
      default:
        candidates.push(['""', ''], ['null', null]);
    }
    const [what, value] = rng.pick(candidates);
    return { value, what };
  }

  /** A value of another JSON type than the schema's. */
  wrongType(schema: Schema, rng: Prng): { value: unknown; what: string } {
    const type = typeOf(this.resolve(schema));
    const all: [string, unknown][] = [
      ['string', rng.pick(['1', 'true', 'abc', '{}', '[]'])],
      ['number', rng.pick([1, -1, 0, 1e308])],
      ['boolean', rng.chance(0.5)],
      ['null', null],
      ['array', rng.pick([[], ['a'], [{}], [[1]]])],
      ['object', rng.pick([{}, { a: 1 }, nested(8, 'object')])],
    ];
    const [what, value] = rng.pick(all.filter(([kind]) => kind !== type && !(type === 'integer' && kind === 'number')));
    return { value, what: `wrong type (${what})` };
  }

  /** Every place in `value` with its schema: the root, each property and array item, recursively. */
  sites(value: unknown, schema: Schema | undefined, path: (string | number)[] = []): Site[] {
    const s = this.resolve(schema);
    const here: Site[] = [{ path, schema: s }];
    if (Array.isArray(value)) {
      return here.concat(value.flatMap((item: unknown, i) => this.sites(item, s.items, [...path, i])));
    }
    if (typeof value === 'object' && value !== null && path.length < 12) {
      const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : {};
      return here.concat(
        Object.entries(value).flatMap(([key, item]) =>
          this.sites(item, s.properties?.[key] ?? additional, [...path, key]),
        ),
      );
    }
    return here;
  }
}

function typeOf(s: Schema): string | undefined {
  return s.type ?? (s.properties || s.additionalProperties ? 'object' : undefined);
}

function parse(text: string): unknown {
  return JSON.parse(text);
}

/** `root` with the value at `path` replaced (or removed, for `undefined`); the root itself when `path` is empty. */
export function replaceAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (value === undefined) delete parent[last];
  else setOwn(parent, String(last), value);
  return root;
}
