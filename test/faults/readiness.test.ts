import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald } from '../support/herald-app';
import { TcpProxy } from '../support/tcp-proxy';

/** The API reaches PostgreSQL through a proxy the test can cut. */
describe('readiness while PostgreSQL is unreachable', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let herald: RunningHerald;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url);
    proxy = await new TcpProxy(direct.hostname, Number(direct.port || 5432)).start();
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    herald = await startHerald({ databaseUrl: viaProxy.toString(), apps: ['api'] });
  });

  afterAll(async () => {
    proxy?.restore();
    await herald?.close();
    await proxy?.stop();
    await db?.drop();
  });

  it('answers 503 naming PostgreSQL as down, refuses sends without a 500 leak, and recovers', async () => {
    const anonymous = new ApiClient(herald.baseUrl);
    expect((await anonymous.get('/health/ready')).status).toBe(200);

    proxy.sever();
    const down = await eventually(async () => {
      const response = await anonymous.get('/health/ready');
      return response.status === 503 && response;
    });
    expect(down.body).toMatchObject({ status: 'unavailable', checks: { postgres: { status: 'down' } } });
    expect((await anonymous.get('/health/live')).status).toBe(200);

    proxy.restore();
    await eventually(async () => (await anonymous.get('/health/ready')).status === 200, {
      what: 'readiness to come back',
    });
    const sent = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 's', text: 't' } },
      to: { email: 'back@example.com' },
    });
    expect(sent.status).toBe(202);
  });
});
