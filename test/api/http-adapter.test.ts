/**
 * What clients saw of the HTTP layer on Express, kept on Fastify (docs/architecture.md, "HTTP"): routing in any
 * case and with a trailing slash, the JSON body rules of express.json(), and problem documents with security
 * headers for what the router refuses before Nest sees a request.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/api-client';
import type { AcceptedNotification } from '../support/api-types';
import { anSms } from '../support/factories';
import { useHerald } from '../support/herald-harness';

const herald = useHerald({ apps: ['api'] });

function send(body: string | Buffer, headers: Record<string, string>) {
  return fetch(`${herald.baseUrl}/v1/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${herald.adminKey}`, ...headers },
    body,
  });
}

describe('routing', () => {
  it('matches paths in any case and with a trailing slash', async () => {
    expect((await herald.admin.get('/HEALTH/Live')).status).toBe(200);
    expect((await herald.admin.get('/health/live/')).status).toBe(200);
    const sent = await herald.admin.post<AcceptedNotification>('/V1/Notifications/', anSms('+14155550123'));
    expect(sent.status).toBe(202);
    expect((await herald.admin.get(`/v1/notifications/${sent.body.id}/`)).status).toBe(200);
  });

  it('answers a malformed URL with a 400 problem document carrying the security headers', async () => {
    const response = await herald.admin.get('/v1/recipients/%E0%A4%A/preferences');
    expectProblem(response, 400);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('takes a path parameter longer than 100 characters to the validation (422), not the router', async () => {
    expectProblem(await herald.admin.get(`/v1/recipients/${'r'.repeat(300)}`), 422);
  });
});

describe('JSON bodies', () => {
  const body = JSON.stringify(anSms('+14155550123'));

  it('are read as application/json (any case, with a UTF-8 charset) and application/*+json', async () => {
    for (const type of ['application/json', 'Application/JSON; charset=UTF-8', 'application/vnd.herald+json']) {
      expect((await send(body, { 'content-type': type })).status, type).toBe(202);
    }
  });

  it('are inflated when gzip-encoded, and refused with 415 in another encoding or charset', async () => {
    expect(
      (await send(gzipSync(body), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
    ).toBe(202);
    for (const headers of <Record<string, string>[]>[
      { 'content-type': 'application/json', 'content-encoding': 'bogus' },
      { 'content-type': 'application/json; charset=latin1' },
    ]) {
      const response = await send(body, headers);
      expect(response.status, JSON.stringify(headers)).toBe(415);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('must be an object or an array (400), and an empty one is {} (422 for the fields it lacks)', async () => {
    for (const scalar of ['"text"', '42', 'null']) {
      expect((await send(scalar, { 'content-type': 'application/json' })).status, scalar).toBe(400);
    }
    expect((await send('', { 'content-type': 'application/json' })).status).toBe(422);
  });

  it('are not read in another content type: the body is missing (422), not refused as a type (415)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await send(body, { 'content-type': type });
      expect(response.status, type).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
