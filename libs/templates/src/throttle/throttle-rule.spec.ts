import { describe, expect, it } from 'vitest';
import { checkThrottleKey, throttleKey } from './throttle-rule';

describe('throttle keys', () => {
  it('render over the data, unescaped; no key renders empty', () => {
    expect(throttleKey({ limit: 1, window: 60, key: 'project:{{project.id}}' }, { project: { id: 'a&b' } })).toBe(
      'project:a&b',
    );
    expect(throttleKey({ limit: 1, window: 60 }, { project: 'x' })).toBe('');
  });

  it('render a field the data lacks as empty', () => {
    expect(throttleKey({ limit: 1, window: 60, key: '{{missing}}-{{here}}' }, { here: 1 })).toBe('-1');
  });

  it('are checked to compile, as a field error of throttle.key', () => {
    expect(checkThrottleKey(undefined)).toEqual([]);
    expect(checkThrottleKey({ limit: 1, window: 60, key: '{{ok}}' })).toEqual([]);
    const errors = checkThrottleKey({ limit: 1, window: 60, key: '{{#if}}' });
    expect(errors.map((error) => error.path)).toEqual(['throttle.key']);
  });
});
