import { expect } from 'vitest';

/**
 * Vitest's asymmetric matchers, the same ones, typed `unknown` instead of `any`
 * so that an expected object built with them stays type-checked (and lint finds
 * no `any` flowing into it). `is.any(String)` is `expect.any(String)`, and so on.
 */
export const is = {
  any: (type: unknown): unknown => expect.any(type),
  stringMatching: (pattern: string | RegExp): unknown => expect.stringMatching(pattern),
  stringContaining: (text: string): unknown => expect.stringContaining(text),
  objectContaining: (object: Record<string, unknown>): unknown => expect.objectContaining(object),
  arrayContaining: (items: unknown[]): unknown => expect.arrayContaining(items),
};
