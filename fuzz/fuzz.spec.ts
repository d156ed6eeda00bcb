import { describe, expect, it } from 'vitest';
import { checkAnswer } from './checks';
import type { FuzzRequest } from './generator';
import { resourceOf } from './openapi';
import { Prng } from './prng';
import { fromPattern, nested, RawJson, setOwn, toJson } from './values';

const request: FuzzRequest = {
  index: 7,
  route: 'GET /v1/x',
  mode: 'hostile',
  method: 'GET',
  path: '/v1/x',
  params: {},
  headers: {},
  auth: 'admin',
};

describe('the fuzzer', () => {
  it('draws the same values from the same seed and stream, others from another', () => {
    const draw = (seed: number, stream: number) => Array.from({ length: 5 }, () => new Prng(seed, stream).uint32());
    expect(draw(42, 3)).toEqual(draw(42, 3));
    const a = new Prng(42, 3);
    const b = new Prng(42, 4);
    expect([a.uint32(), a.uint32()]).not.toEqual([b.uint32(), b.uint32()]);
  });

  it("generates strings that match the document's patterns", () => {
    const patterns = [
      '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
      '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$',
      '^[a-z0-9][a-z0-9._-]{0,63}$',
      '^[\\x21-\\x7e]{1,4096}$',
    ];
    for (const pattern of patterns) {
      for (let stream = 0; stream < 50; stream++) {
        expect(fromPattern(pattern, new Prng(1, stream))).toMatch(new RegExp(pattern));
        expect(fromPattern(pattern, new Prng(1, stream), true)).toMatch(new RegExp(pattern));
      }
    }
  });

  it('writes raw JSON numbers, deep nesting and __proto__ as own keys', () => {
    const body: Record<string, unknown> = { n: new RawJson('1e309'), deep: nested(3, 'array') };
    setOwn(body, '__proto__', { polluted: true });
    expect(toJson(body)).toBe('{"n":1e309,"deep":[[["deep"]]],"__proto__":{"polluted":true}}');
  });

  it("names a route's resource by its last noun", () => {
    expect(resourceOf('/v1/recipients/{id}/inbox/{messageId}', 'id')).toBe('recipients');
    expect(resourceOf('/v1/recipients/{id}/inbox/{messageId}', 'messageId')).toBe('inbox');
    expect(resourceOf('/v1/admin/templates/{key}/versions/{n}/activate')).toBe('versions');
    expect(resourceOf('/v1/notifications/batch')).toBe('notifications');
  });

  it('fails a 5xx and a 4xx that is not a problem document, passes a problem document', () => {
    const answer = (status: number, type: string, body: string) => ({
      status,
      headers: { 'content-type': type },
      body,
      ms: 1,
    });
    expect(checkAnswer(request, answer(500, 'application/problem+json', '{}'))[0].kind).toBe('5xx');
    expect(checkAnswer(request, answer(400, 'text/html', '<h1>Bad</h1>'))[0].kind).toBe('not a problem document');
    const problem = '{"type":"https://herald.dev/problems/x","title":"X","status":404}';
    expect(checkAnswer(request, answer(404, 'application/problem+json; charset=utf-8', problem))).toEqual([]);
    expect(checkAnswer(request, answer(422, 'application/problem+json', problem))[0].detail).toContain('"status" 404');
  });
});
