import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import type { Readiness } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aNotification } from '../support/factories';
import type { RunningHerald } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { TcpProxy } from '../support/tcp-proxy';
import { sendNotification } from '../support/notifications';

/** The API reaches PostgreSQL through a proxy the test can cut. */
describe('readiness while PostgreSQL is unreachable', () => {
  // The test database is on the server of postgresUrl.
  const direct = new URL(inject('postgresUrl'));
  const proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
  const installation = useHerald({ peers: [proxy], app: false });
  let herald: RunningHerald;

  beforeAll(async () => {
    const viaProxy = new URL(installation.db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    herald = await installation.start({ databaseUrl: viaProxy.toString(), apps: ['api'] });
  });
  // Runs before the harness closes Herald (after-hooks run last registered first).
  afterAll(() => proxy.restore());

  it('answers 503 naming PostgreSQL as down, refuses sends without a 500 leak, and recovers', async () => {
    const anonymous = new ApiClient(herald.baseUrl);
    expect((await anonymous.get('/health/ready')).status).toBe(200);

    proxy.sever();
    const down = await eventually(async () => {
      const response = await anonymous.get<Readiness>('/health/ready');
      return response.status === 503 && response;
    });
    expect(down.body).toMatchObject({ status: 'unavailable', checks: { postgres: { status: 'down' } } });
    expect((await anonymous.get('/health/live')).status).toBe(200);

    proxy.restore();
    await eventually(async () => (await anonymous.get('/health/ready')).status === 200, {
      what: 'readiness to come back',
    });
    const sent = await sendNotification(herald.admin, aNotification({ to: { email: 'back@example.com' } }));
    expect(sent.status).toBe(202);
  });
});
