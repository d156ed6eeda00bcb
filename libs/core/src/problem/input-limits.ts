import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import type { FieldError } from '../core.errors';

/**
 * The bounds every request is held to (docs/decisions.md, "Input limits"). Past
 * them a request is a 422 listing the bad fields, never a 500, and changes nothing.
 */
export const INPUT_LIMITS = {
  /** Objects and arrays nested in any body, the body itself being the first: past it the body is not read further. */
  bodyDepth: 64,
  /** Free-form JSON a caller stores or renders with (`data`, a webhook payload, a template's `schema`). */
  jsonDepth: 32,
  jsonBytes: 64 * 1024,
  /** Entries listed in one validation problem: a body full of bad strings gets the first ones, not a huge answer. */
  reportedErrors: 50,
} as const;

/** PostgreSQL's `integer`, the type of every stored number a path or query names (template versions). */
export const INT4_MAX = 2_147_483_647;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL (text or jsonb) and the validators would choke on this string, if they would. */
function badText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (an unpaired surrogate was found)';
  return undefined;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export interface JsonShapeOptions {
  maxDepth?: number;
  /** Top-level properties whose items are checked on their own (a batch's items), for everything but depth. */
  checkedPerItem?: readonly string[];
  /** The path of the value itself (a path or query parameter's name); the body's is empty. */
  root?: string;
}

/**
 * What no field of any body may hold, whatever its DTO says: nesting past the body depth (class-transformer
 * recurses and would overflow the stack), NUL characters and unpaired surrogates (PostgreSQL refuses both, and
 * `validator` throws on the latter). Strings and keys alike; at most `reportedErrors` entries.
 */
export function jsonShapeErrors(value: unknown, options: JsonShapeOptions = {}): FieldError[] {
  const maxDepth = options.maxDepth ?? INPUT_LIMITS.bodyDepth;
  const perItem = new Set(options.checkedPerItem ?? []);
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string, depth: number, textChecked: boolean): void => {
    if (errors.length >= INPUT_LIMITS.reportedErrors) return;
    if (typeof node === 'string') {
      const problem = textChecked ? badText(node) : undefined;
      if (problem) errors.push({ path, message: problem });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) {
      errors.push({ path, message: `nests objects and arrays deeper than ${maxDepth} levels` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, childPath(path, index), depth + 1, textChecked));
      return;
    }
    for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
      const at = childPath(path, key);
      const keyProblem = textChecked ? badText(key) : undefined;
      if (keyProblem) errors.push({ path: at, message: `has a key that ${keyProblem}` });
      visit(item, at, depth + 1, textChecked && !(depth === 1 && perItem.has(key)));
    }
  };
  visit(value, options.root ?? '', 1, true);
  return errors;
}

/** Nesting depth of a JSON value: 0 for a scalar, 1 for `{}` or `[]`. Stops counting past `limit`. */
function depthOf(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit < 0) return 1;
  let deepest = 0;
  for (const item of Object.values(value as Record<string, unknown>)) {
    deepest = Math.max(deepest, depthOf(item, limit - 1));
    if (deepest > limit) break;
  }
  return deepest + 1;
}

/**
 * A free-form JSON object (`data`, a webhook payload, a JSON schema) of at most `maxDepth` levels (the object
 * itself is the first) and `maxBytes` bytes as JSON.
 */
export function IsBoundedJsonObject(
  bounds: { maxDepth?: number; maxBytes?: number } = {},
  options?: ValidationOptions,
): PropertyDecorator {
  const maxDepth = bounds.maxDepth ?? INPUT_LIMITS.jsonDepth;
  const maxBytes = bounds.maxBytes ?? INPUT_LIMITS.jsonBytes;
  return ValidateBy(
    {
      name: 'isBoundedJsonObject',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          depthOf(value, maxDepth) <= maxDepth &&
          Buffer.byteLength(JSON.stringify(value)) <= maxBytes,
        defaultMessage: () =>
          `$property must be an object of at most ${maxDepth} levels and ${maxBytes / 1024} KiB as JSON`,
      },
    },
    options,
  );
}

/**
 * An integer given as text (a path or query parameter): decimal digits only, so `1e3`, `0x10`, `1.0` and
 * ` 1` are refused rather than read as numbers, then held to [min, max].
 */
export function IsIntegerText(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value,
    ),
    ValidateBy({
      name: 'isIntegerText',
      validator: {
        validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: () => `$property must be an integer from ${min} to ${max}`,
      },
    }),
  );
}
