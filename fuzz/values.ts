import type { Prng } from './prng';

/** JSON text put into a body as is: numbers JSON can write but JavaScript cannot hold (1e309, 400 digits). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify, with RawJson values written as their text. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawJson)) return item;
    raws.push(item.text);
    return `@@fuzz-raw-${raws.length - 1}@@`;
  });
  return raws.reduce((json, raw, i) => json.replace(`"@@fuzz-raw-${i}@@"`, raw), text ?? 'null');
}

/** Sets a key as an own property: `__proto__` included, which plain assignment would turn into a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

export const INJECTIONS = [
  "'; DROP TABLE notifications; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(5)',
  '{{constructor}}',
  '{{constructor.constructor "return process"}}',
  '{{#with "s" as |string|}}{{string.sub.apply 0 "constructor"}}{{/with}}',
  '{{lookup this "__proto__"}}',
  '{{> missing}}',
  '{{#each}}',
  '{{',
  '}}{{',
  '${7*7}',
  '<%= 7*7 %>',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  'Subject: x\r\nBcc: victim@example.com',
  'a\r\n\r\nInjected-Body',
  'a\nb',
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:5432/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '{"$gt": ""}',
  '%s%s%s%s%n',
  '\\',
  '"',
  "'",
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

export const ODD_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\uffff',
  '\ufeff',
  '\u202eevil',
  '\u200b\u200c\u200d',
  'e\u0301\u0301\u0301\u0301',
  '𝕳𝖊𝖗𝖆𝖑𝖉',
  '👩‍👩‍👧‍👦',
  '𠜎𠜱𠝹',
  'Ω≈ç√∫˜µ≤≥÷',
  '\t\v\f\b',
  '\u2028\u2029',
  'ｆｕｌｌｗｉｄｔｈ',
  'ﷺ',
  'ß'.repeat(64),
  'İ',
  '\u0085',
  '\u001b[31mred',
];

/** Long strings: a byte-heavy one, a many-code-point one, a plain one; kept under the 1 MiB body limit. */
export function longString(rng: Prng): string {
  const length = rng.pick([256, 1000, 4096, 65_536, 300_000]);
  const unit = rng.pick(['a', 'é', '𝕳', '\u0301', '{{x}}', 'x\r\n']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export const NUMBERS: unknown[] = [
  0,
  -0,
  -1,
  1.5,
  -1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  5e-324,
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('1' + '0'.repeat(400)),
  new RawJson('1e-400'),
  new RawJson('0.' + '1'.repeat(400)),
];

/** Objects or arrays nested `depth` deep, as JSON text (JavaScript's own recursion would not survive 5000). */
export function nested(depth: number, kind: 'object' | 'array'): RawJson {
  const [open, close] = kind === 'object' ? ['{"a":', '}'] : ['[', ']'];
  return new RawJson(`${open.repeat(depth)}"deep"${close.repeat(depth)}`);
}

/** Objects whose keys are JavaScript's own: `__proto__`, `constructor`, `prototype`, and the like. */
export function prototypeKeys(rng: Prng): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  switch (rng.int(0, 4)) {
    case 0:
      setOwn(value, '__proto__', { polluted: true, isAdmin: true });
      break;
    case 1:
      setOwn(value, 'constructor', { prototype: { polluted: true } });
      break;
    case 2:
      setOwn(value, '__proto__', { toString: 'x', valueOf: 1 });
      setOwn(value, 'constructor', 'x');
      break;
    case 3:
      for (const key of ['toString', 'valueOf', 'hasOwnProperty', '__defineGetter__']) setOwn(value, key, 1);
      break;
    default:
      setOwn(value, 'prototype', { constructor: { name: 'x' } });
      setOwn(value, '__proto__', null);
  }
  return value;
}

/** A value of any JSON type, hostile to a field whatever it expects. */
export function hostileValue(rng: Prng): unknown {
  switch (rng.weighted({ injection: 4, unicode: 3, long: 2, number: 3, nested: 2, proto: 2, scalar: 3, empty: 1 })) {
    case 'injection':
      return rng.pick(INJECTIONS);
    case 'unicode':
      return rng.pick(ODD_UNICODE);
    case 'long':
      return longString(rng);
    case 'number':
      return rng.pick(NUMBERS);
    case 'nested':
      return nested(rng.pick([2, 16, 64, 500, 5000]), rng.chance(0.5) ? 'object' : 'array');
    case 'proto':
      return prototypeKeys(rng);
    case 'scalar':
      return rng.pick<unknown>([null, true, false, [], {}, [null], [1, 'a', {}], { '': '' }]);
    default:
      return rng.pick(['', ' ', '\n']);
  }
}

/**
 * A string matching a regular expression of the kinds OpenAPI documents use: literals, escapes, classes with
 * ranges, groups with alternatives, quantifiers. Repeats stay short unless `long` (then up to the maximum).
 */
export function fromPattern(pattern: string, rng: Prng, long = false): string {
  let at = 0;
  const peek = () => pattern[at];

  function escape(): string {
    const letter = pattern[at++];
    if (letter === 'x') {
      const code = parseInt(pattern.slice(at, at + 2), 16);
      at += 2;
      return String.fromCharCode(code);
    }
    if (letter === 'd') return rng.string('0123456789', 1);
    if (letter === 'w') return rng.string('abcdefghijklmnopqrstuvwxyz0123456789_', 1);
    if (letter === 's') return ' ';
    return letter;
  }

  function charClass(): string {
    const negated = peek() === '^';
    if (negated) at++;
    const chars: string[] = [];
    while (at < pattern.length && peek() !== ']') {
      let from = pattern[at++];
      if (from === '\\') from = escape();
      if (peek() === '-' && pattern[at + 1] !== ']') {
        at++;
        let to = pattern[at++];
        if (to === '\\') to = escape();
        for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) chars.push(String.fromCharCode(code));
      } else chars.push(from);
    }
    at++;
    if (negated) return rng.string('abcdefghijklmnopqrstuvwxyz'.replace(new RegExp(`[${chars.join('')}]`, 'g'), ''), 1);
    return chars.length ? rng.pick(chars) : '';
  }

  function quantifier(): [number, number] {
    const c = peek();
    if (c === '*' || c === '+' || c === '?') {
      at++;
      return c === '*' ? [0, 8] : c === '+' ? [1, 8] : [0, 1];
    }
    if (c === '{') {
      const end = pattern.indexOf('}', at);
      const [min, max] = pattern.slice(at + 1, end).split(',');
      at = end + 1;
      const low = Number(min);
      return [low, max === undefined ? low : max === '' ? low + 8 : Number(max)];
    }
    return [1, 1];
  }

  function sequence(): string {
    const alternatives: string[] = [''];
    while (at < pattern.length && peek() !== ')') {
      const c = pattern[at++];
      if (c === '|') {
        alternatives.push('');
        continue;
      }
      if (c === '^' || c === '$') continue;
      let atom: () => string;
      if (c === '[') {
        const start = at;
        charClass();
        atom = () => ((at = start), charClass());
      } else if (c === '(') {
        if (pattern.startsWith('?:', at)) at += 2;
        const start = at;
        sequence();
        at++;
        atom = () => {
          const saved = at;
          at = start;
          const text = sequence();
          at = saved;
          return text;
        };
      } else if (c === '\\') {
        const start = at;
        escape();
        atom = () => ((at = start), escape());
      } else if (c === '.') atom = () => rng.string('abcdefghijklmnopqrstuvwxyz', 1);
      else atom = () => c;
      const end = at;
      const [min, max] = quantifier();
      const after = at;
      const count = long ? max : rng.int(min, Math.min(max, min + 4));
      let text = '';
      for (let i = 0; i < count; i++) {
        at = end;
        text += atom();
      }
      at = after;
      alternatives[alternatives.length - 1] += text;
    }
    return rng.pick(alternatives);
  }

  try {
    return sequence();
  } catch {
    return 'a1';
  }
}
