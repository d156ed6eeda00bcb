import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/api-client';
import { useHerald } from '../support/herald-harness';

const herald = useHerald({ apps: ['api'] });

/** The headers helmet adds, on every kind of answer. */
function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
  expect(headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers', () => {
  it('are on JSON answers, problem documents and the health and metrics routes', async () => {
    const ok = await herald.admin.get('/v1/admin/templates');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok.headers);
    const refused = await herald.admin.withKey(undefined).get('/v1/admin/templates');
    expectProblem(refused, 401);
    expectSecurityHeaders(refused.headers);
    for (const path of ['/health/live', '/metrics', '/docs-json']) {
      const response = await herald.admin.get(path);
      expect(response.status, path).toBe(200);
      expectSecurityHeaders(response.headers);
    }
  });

  it('leave Swagger UI working: /docs is HTML whose scripts and styles the CSP allows, all served', async () => {
    const docs = await herald.admin.withKey(undefined).get<string>('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expectSecurityHeaders(docs.headers);
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/style-src 'self'[^;]*'unsafe-inline'/);
    expect(csp).toMatch(/img-src 'self' data:/);
    // No inline script (the CSP would block it): every <script> has a same-origin src, and each is served.
    const scripts = [...docs.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(src).toMatch(/^\.\/docs\//);
      const script = await herald.admin.withKey(undefined).get(src!.replace(/^\./, ''));
      expect(script.status, src).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
    }
  });
});
