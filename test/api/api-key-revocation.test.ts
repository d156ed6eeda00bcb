import { describe, expect, it } from 'vitest';
import { ApiClient, expectProblem } from '../support/api-client';
import type { CreatedApiKey } from '../support/api-types';
import { eventually } from '../support/eventually';
import { useHerald } from '../support/herald-harness';

const herald = useHerald({ apps: ['api'] });

/** Keys are cached for a second by each instance: revoking must still hold on every instance. */
describe('API key revocation with cached keys', () => {
  it('refuses a revoked key at once on the instance that revoked it, and soon on another instance', async () => {
    const other = await herald.start({ apps: ['api'] });
    const created = await herald.admin.post<CreatedApiKey>('/v1/admin/api-keys', { name: 'cached', scopes: ['read'] });
    expect(created.status).toBe(201);
    const here = herald.admin.withKey(created.body.key);
    const there = new ApiClient(other.baseUrl, created.body.key);
    // Both instances have just seen the key accepted, so each holds it in its cache.
    expect((await here.get('/v1/admin/api-keys')).status).toBe(403);
    expect((await there.get('/v1/admin/api-keys')).status).toBe(403);
    expect((await here.get('/v1/notifications/00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await there.get('/v1/notifications/00000000-0000-7000-8000-000000000000')).status).toBe(404);

    expect((await herald.admin.delete(`/v1/admin/api-keys/${created.body.id}`)).status).toBe(204);
    expectProblem(await here.get('/v1/notifications/00000000-0000-7000-8000-000000000000'), 401);
    await eventually(
      async () => (await there.get('/v1/notifications/00000000-0000-7000-8000-000000000000')).status === 401,
      { what: 'the other instance refusing the revoked key', timeoutMs: 5_000 },
    );
  });
});
