import { randomUUID } from 'node:crypto';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { HeraldPatterns } from '@herald/client';
import { freePort } from '@herald/core';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiResponse, clientWithScopes, expectProblem } from '../support/api-client';
import type { AcceptedNotification, BatchResponse, NotificationView } from '../support/api-types';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';

let tcpPort: number;
beforeAll(async () => {
  tcpPort = await freePort();
});

// API only: no worker takes the deliveries, so they stay `queued` and a cancel shows what it changed.
const herald = useHerald({
  apps: ['api'],
  env: () => ({ MICROSERVICE_TRANSPORT: 'tcp', MICROSERVICE_TCP_PORT: String(tcpPort) }),
});

let transport: ClientProxy | undefined;
let alice: ApiClient;
let bob: ApiClient;
let reader: ApiClient;
let readingSender: ApiClient;

beforeAll(async () => {
  [alice, bob, reader, readingSender] = await Promise.all([
    clientWithScopes(herald.admin, 'send'),
    clientWithScopes(herald.admin, 'send'),
    clientWithScopes(herald.admin, 'read'),
    clientWithScopes(herald.admin, 'send', 'read'),
  ]);
  transport = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } });
  await transport.connect();
});

afterAll(async () => {
  await transport?.close();
});

async function sent(client: ApiClient): Promise<string> {
  const response = await client.post<AcceptedNotification>('/v1/notifications', anEmail(`${randomUUID()}@example.com`));
  expect(response.status).toBe(202);
  return response.body.id;
}

async function deliveryStatuses(id: string): Promise<string[]> {
  const { rows } = await herald.pg.query<{ status: string }>(
    'SELECT status FROM deliveries WHERE notification_id = $1 ORDER BY id',
    [id],
  );
  return rows.map((row) => row.status);
}

/** The answer with the notification's id replaced, so a hidden one can be compared with a missing one. */
function withoutId(response: ApiResponse, id: string) {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: JSON.parse(JSON.stringify(response.body).replaceAll(id, '<id>')) as unknown,
  };
}

describe('a send key (without read or admin)', () => {
  it('reads and cancels the notifications it created', async () => {
    const id = await sent(alice);
    const read = await alice.get<NotificationView>(`/v1/notifications/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, deliveries: [{ status: 'queued' }] });

    const cancelled = await alice.post<NotificationView>(`/v1/notifications/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled', deliveries: [{ status: 'cancelled' }] });
    expect(await deliveryStatuses(id)).toEqual(['cancelled']);
  });

  it('gets for any other notification the very 404 of a missing one, and changes nothing', async () => {
    const id = await sent(bob);
    const missing = randomUUID();
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/cancel'],
    ] as const) {
      const hidden = await alice.request(
        method,
        `/v1/notifications/${id}${suffix}`,
        method === 'POST' ? {} : undefined,
      );
      const absent = await alice.request(
        method,
        `/v1/notifications/${missing}${suffix}`,
        method === 'POST' ? {} : undefined,
      );
      expectProblem(hidden, 404);
      expect(withoutId(hidden, id)).toEqual(withoutId(absent, missing));
    }
    expect(await deliveryStatuses(id)).toEqual(['queued']);
    expect((await bob.get(`/v1/notifications/${id}`)).status).toBe(200);
  });

  it('reads and cancels what it accepted in a batch, and nothing another key did', async () => {
    const batch = await alice.post<BatchResponse>('/v1/notifications/batch', {
      notifications: [anEmail('b1@example.com'), anEmail('b2@example.com')],
    });
    expect(batch.status).toBe(202);
    const [first, second] = batch.body.items.map((item) => item.id!);
    expect((await alice.get(`/v1/notifications/${first}`)).status).toBe(200);
    expect((await alice.post(`/v1/notifications/${second}/cancel`)).status).toBe(200);
    expect(await deliveryStatuses(second)).toEqual(['cancelled']);

    expectProblem(await bob.get(`/v1/notifications/${first}`), 404);
    expectProblem(await bob.post(`/v1/notifications/${first}/cancel`), 404);
    expect(await deliveryStatuses(first)).toEqual(['queued']);
  });

  it('reaches no notification that came over the transport (it has no API key)', async () => {
    const accepted = await firstValueFrom(
      transport!
        .send<AcceptedNotification>(HeraldPatterns.send, anEmail('transport@example.com'))
        .pipe(timeout(15_000)),
    );
    const id = accepted.id;
    expectProblem(await alice.get(`/v1/notifications/${id}`), 404);
    expectProblem(await alice.post(`/v1/notifications/${id}/cancel`), 404);
    expect(await deliveryStatuses(id)).toEqual(['queued']);

    expect((await reader.get(`/v1/notifications/${id}`)).status).toBe(200);
    const cancelled = await herald.admin.post<NotificationView>(`/v1/notifications/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await deliveryStatuses(id)).toEqual(['cancelled']);
  });
});

describe('read and admin keys', () => {
  it('read reads every notification but cancels none', async () => {
    const id = await sent(alice);
    const read = await reader.get<NotificationView>(`/v1/notifications/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(id);
    expectProblem(await reader.post(`/v1/notifications/${id}/cancel`), 403);
    expect(await deliveryStatuses(id)).toEqual(['queued']);
  });

  it('send with read reads every notification and cancels only its own: 403 for another key’s', async () => {
    const others = await sent(alice);
    expect((await readingSender.get(`/v1/notifications/${others}`)).status).toBe(200);
    expectProblem(await readingSender.post(`/v1/notifications/${others}/cancel`), 403);
    expect(await deliveryStatuses(others)).toEqual(['queued']);

    const own = await sent(readingSender);
    expect((await readingSender.post(`/v1/notifications/${own}/cancel`)).status).toBe(200);
    expect(await deliveryStatuses(own)).toEqual(['cancelled']);
  });

  it('admin reads and cancels any notification, and a created admin key does too', async () => {
    const id = await sent(alice);
    expect((await herald.admin.get(`/v1/notifications/${id}`)).status).toBe(200);
    const admin = await clientWithScopes(herald.admin, 'admin');
    expect((await admin.post(`/v1/notifications/${id}/cancel`)).status).toBe(200);
    expect(await deliveryStatuses(id)).toEqual(['cancelled']);
  });
});
