import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientOptions, ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import {
  HeraldAcceptedNotification,
  HeraldBatchAnswer,
  HeraldClient,
  HeraldClientError,
  HeraldClientModule,
  HeraldPatterns,
  HeraldSendAnswer,
  HeraldSendRequest,
} from '@herald/client';
import { freePort, MetricsService, redisOptions } from '@herald/core';
import type { AcceptedNotification, BatchAnswer, DigestedSend, SendNotificationDto } from '@herald/notifications';
import { firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, it } from 'vitest';
import type { Problem } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import type { RunningHerald } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { settledNotification, sendNotification } from '../support/notifications';
import { SmtpSink } from '../support/smtp-sink';
import { deleteQueue, rabbitmqAvailable, RABBITMQ_URL } from '../support/rabbitmq';
import { TcpProxy } from '../support/tcp-proxy';
import { is } from '../support/matchers';

type TransportName = 'tcp' | 'redis' | 'rmq';

const redisUrl = inject('redisUrl');
const token = `mst-${randomBytes(12).toString('hex')}`;
const queue = `herald-test-${randomBytes(4).toString('hex')}`;
let tcpPort: number;
let rabbitmq = false;
const smtp = new SmtpSink();
// Redis pub/sub reaches every Herald subscribed on that Redis, so only one instance of this file listens there:
// a second one on the same database, reaching Redis through a proxy that a test cuts.
const redisProxy = redisUrl
  ? new TcpProxy(new URL(redisUrl).hostname, Number(new URL(redisUrl).port || 6379))
  : undefined;

function available(name: TransportName): boolean {
  return name === 'tcp' || (name === 'redis' ? !!redisUrl : rabbitmq);
}

function clientOptions(name: TransportName): ClientOptions {
  switch (name) {
    case 'tcp':
      return { transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } };
    case 'redis':
      return { transport: Transport.REDIS, options: redisOptions(redisUrl!) };
    case 'rmq':
      return { transport: Transport.RMQ, options: { urls: [RABBITMQ_URL], queue, queueOptions: { durable: true } } };
  }
}

/** A notification with a marker of its own, to a recipient of its own. */
function notification(marker = randomUUID()): HeraldSendRequest & { data: { marker: string } } {
  const email = { subject: 'Hello {{marker}}', text: 'Sent over the transport: {{marker}}' };
  return { ...anEmail(`${marker}@example.com`, email), data: { marker } };
}

function request<T = unknown>(client: ClientProxy, pattern: string, data: unknown): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, data).pipe(timeout(15_000)));
}

/** What a refusal carries: over a transport, a problem document whose `message` is the problem again. */
type Refusal = Partial<Problem> & { message?: unknown; problem?: Partial<Problem> };

/** The value a refused message rejects with. */
async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected the message to be refused');
}

async function stored(marker: string): Promise<{ id: string; api_key_id: string }[]> {
  const { rows } = await herald.pg.query<{ id: string; api_key_id: string }>(
    `SELECT id, api_key_id FROM notifications WHERE data->>'marker' = $1`,
    [marker],
  );
  return rows;
}

async function expectDelivered(id: string, marker: string): Promise<void> {
  const done = await settledNotification(herald.admin, id, 'completed', 15_000);
  expect(done.deliveries).toMatchObject([
    { channel: 'email', status: 'sent', content: { subject: `Hello ${marker}` } },
  ]);
  const mail = await eventually(
    () => smtp.messages.find((message) => message.envelope.to.includes(`${marker}@example.com`)),
    {
      what: 'the mail at the SMTP server',
    },
  );
  expect(mail.parsed.text).toContain(`Sent over the transport: ${marker}`);
}

beforeAll(async () => {
  rabbitmq = await rabbitmqAvailable();
  if (!redisUrl) console.warn('\n!! No Redis: the Redis transport tests were SKIPPED (see the Redis notice above).\n');
  tcpPort = await freePort();
});

// Registered before the harness, so it runs after Herald has closed (after-hooks run as a stack).
afterAll(async () => {
  if (rabbitmq) await deleteQueue(queue);
});

const shared = () => ({ MICROSERVICE_TOKEN: token, SMTP_URL: smtp.url });
// Several transports at once, as MICROSERVICE_TRANSPORT=tcp,rmq runs them.
const herald = useHerald({
  peers: redisProxy ? [smtp, redisProxy] : [smtp],
  env: () => ({
    ...shared(),
    MICROSERVICE_TRANSPORT: rabbitmq ? 'tcp,rmq' : 'tcp',
    MICROSERVICE_TCP_PORT: String(tcpPort),
    RABBITMQ_URL: rabbitmq ? RABBITMQ_URL : undefined,
    RABBITMQ_QUEUE: queue,
  }),
  timeoutMs: 120_000,
});

/** This file's instance on the Redis transport (under another prefix), while the tests before the pair's need it. */
let redisHerald: RunningHerald | undefined;

beforeAll(async () => {
  if (!redisProxy) return;
  redisHerald = await herald.start({
    env: { ...shared(), MICROSERVICE_TRANSPORT: 'redis', REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` },
  });
}, 60_000);

describe.each(['tcp', 'redis', 'rmq'] as const)('over the %s transport, with a real ClientProxy', (name) => {
  let client: ClientProxy;

  beforeAll(async () => {
    if (!available(name)) return;
    client = ClientProxyFactory.create(clientOptions(name));
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
  });

  /** The accepted-notifications counter of the instance this transport reaches, for this transport. */
  const acceptedOver = async (): Promise<number> => {
    const instance = name === 'redis' ? redisHerald! : herald;
    const counter = instance.app.get(MetricsService).registry.getSingleMetric('herald_notifications_accepted_total');
    return (await counter!.get()).values.find((sample) => sample.labels.transport === name)?.value ?? 0;
  };

  it('notifications.send answers the 202 body, and the notification is stored and delivered', async ({ skip }) => {
    if (!available(name)) return skip();
    const body = notification();
    const acceptedBefore = await acceptedOver();
    const answer = await request<AcceptedNotification>(client, HeraldPatterns.send, { ...body, token });
    expect(answer).toEqual({
      id: is.any(String),
      status: 'accepted',
      createdAt: is.any(String),
      deliveries: [{ id: is.any(String), channel: 'email', status: 'queued' }],
    });
    expect(await stored(body.data.marker)).toEqual([{ id: answer.id, api_key_id: 'transport' }]);
    // Counted under the transport that brought it.
    expect((await acceptedOver()) - acceptedBefore).toBe(1);
    await expectDelivered(answer.id, body.data.marker);
  });

  it('notifications.emit has no answer; the notification appears and is delivered', async ({ skip }) => {
    if (!available(name)) return skip();
    const body = notification();
    await lastValueFrom(client.emit(HeraldPatterns.emit, { ...body, token }), { defaultValue: undefined });
    const [row] = await eventually(
      async () => (await stored(body.data.marker)).length === 1 && stored(body.data.marker),
      {
        what: 'the emitted notification',
      },
    );
    await expectDelivered(row.id, body.data.marker);
  });

  it('notifications.batch answers each item on its own, in order', async ({ skip }) => {
    if (!available(name)) return skip();
    const [first, last] = [notification(), notification()];
    const answer = await request<BatchAnswer>(client, HeraldPatterns.batch, {
      token,
      notifications: [first, { ...notification(), to: { email: 'nope' }, surprise: 1 }, last],
    });
    expect(answer.items).toHaveLength(3);
    expect(answer.items[0]).toMatchObject({ id: (await stored(first.data.marker))[0].id, status: 'accepted' });
    expect(answer.items[2]).toMatchObject({ id: (await stored(last.data.marker))[0].id, status: 'accepted' });
    const refused = answer.items[1] as { error: { status: number; errors: { path: string }[] } };
    expect(refused.error.status).toBe(422);
    expect(refused.error.errors.map((error) => error.path).sort()).toEqual(['surprise', 'to.email']);

    // A message that is not { notifications: [...] } is refused whole.
    const whole = await refusal(request(client, HeraldPatterns.batch, { token, notifications: 'all of them' }));
    expect(whole).toMatchObject({
      status: 422,
      errors: is.arrayContaining([{ path: 'notifications', message: 'notifications must be an array' }]),
    });
  });

  it('an invalid payload answers an error whose message is the problem document, listing each bad field', async ({
    skip,
  }) => {
    if (!available(name)) return skip();
    const body = notification();
    const error = await refusal(
      request(client, HeraldPatterns.send, {
        ...body,
        token,
        to: { email: 'not-an-email' },
        priority: 'urgent',
        extra: true,
      }),
    );
    const problem = {
      type: is.stringMatching(/\/validation-error$/),
      title: is.any(String),
      status: 422,
      errors: is.arrayContaining([
        { path: 'to.email', message: is.any(String) },
        { path: 'priority', message: is.any(String) },
        { path: 'extra', message: is.any(String) },
      ]),
    };
    expect(error).toMatchObject(problem);
    expect(error.message).toMatchObject(problem);
    expect(await stored(body.data.marker)).toEqual([]);

    const rejected = await refusal(
      request(client, HeraldPatterns.send, {
        ...notification(),
        token,
        template: 'no.such.template',
        content: undefined,
      }),
    );
    expect(rejected).toMatchObject({
      status: 422,
      type: is.stringMatching(/notification-rejected$/),
      errors: [{ path: 'template' }],
    });
  });

  it('replays an idempotencyKey: the same answer, nothing stored twice; another body with the key is refused', async ({
    skip,
  }) => {
    if (!available(name)) return skip();
    const body = { ...notification(), idempotencyKey: `${name}-${randomUUID()}` };
    const first = await request<AcceptedNotification>(client, HeraldPatterns.send, { ...body, token });
    const again = await request<AcceptedNotification>(client, HeraldPatterns.send, { ...body, token });
    expect(again).toEqual(first);
    expect(await stored(body.data.marker)).toHaveLength(1);

    const reused = await refusal(request(client, HeraldPatterns.send, { ...body, data: { marker: 'other' }, token }));
    expect(reused).toMatchObject({ status: 422, type: is.stringMatching(/idempotency-key-reused$/) });

    // Transport keys live apart from API keys': the same key over REST is a new notification.
    const rest = await sendNotification(herald.admin, body);
    expect(rest.status).toBe(202);
    expect(rest.body.id).not.toBe(first.id);
  });

  it('refuses a message without MICROSERVICE_TOKEN, or with a wrong one, as 401', async ({ skip }) => {
    if (!available(name)) return skip();
    const body = notification();
    for (const message of [
      body,
      { ...body, token: 'wrong' },
      { ...body, token: `${token}x` },
      { ...body, token: 42 },
    ]) {
      const error = await refusal(request(client, HeraldPatterns.send, message));
      expect(error).toMatchObject({ status: 401, type: is.stringMatching(/\/unauthorized$/) });
      expect(error.message).toMatchObject({ status: 401 });
    }
    expect(await refusal(request(client, HeraldPatterns.batch, { notifications: [body] }))).toMatchObject({
      status: 401,
    });

    // An event without the token is dropped: the one emitted after it (same connection, so in order) arrives alone.
    const after = notification();
    await lastValueFrom(client.emit(HeraldPatterns.emit, body), { defaultValue: undefined });
    await lastValueFrom(client.emit(HeraldPatterns.emit, { ...after, token }), { defaultValue: undefined });
    await eventually(async () => (await stored(after.data.marker)).length === 1, {
      what: 'the event sent with the token',
    });
    expect(await stored(body.data.marker)).toEqual([]);
  });
});

describe('the Redis transport when the connection to Redis drops', () => {
  let client: ClientProxy;

  beforeAll(async () => {
    if (!redisUrl) return;
    client = ClientProxyFactory.create(clientOptions('redis'));
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
  });

  it.skipIf(!redisUrl)('listens again once Redis is back', async () => {
    const send = () =>
      firstValueFrom(
        client.send<AcceptedNotification>(HeraldPatterns.send, { ...notification(), token }).pipe(timeout(1_000)),
      );
    expect((await send()).status).toBe('accepted');
    redisProxy!.sever();
    await new Promise((resolve) => setTimeout(resolve, 300));
    redisProxy!.restore();
    const answer = await eventually(() => send(), { timeoutMs: 15_000, what: 'the transport to answer again' });
    expect(answer.status).toBe('accepted');
  });
});

describe('the Redis transport with several API instances', () => {
  const pair = useHerald({ app: false, skip: !redisUrl });
  let client: ClientProxy;

  beforeAll(async () => {
    if (!redisUrl) return;
    // Only the pair listens on Redis from here on: the file's other instance would take each request too (it
    // claims under its own prefix) and could answer first, before the pair has stored it.
    await redisHerald?.close();
    // Two instances of one installation: the same database and the same REDIS_PREFIX.
    const env = {
      MICROSERVICE_TOKEN: token,
      MICROSERVICE_TRANSPORT: 'redis',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `pair-${randomUUID()}`,
    };
    await pair.start({ apps: ['api'], env });
    await pair.start({ apps: ['api'], env });
    client = ClientProxyFactory.create(clientOptions('redis'));
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
  });

  it.skipIf(!redisUrl)('accepts each request once, although every instance receives it', async () => {
    const markers = Array.from({ length: 5 }, () => randomUUID());
    for (const marker of markers) {
      expect(
        (await request<AcceptedNotification>(client, HeraldPatterns.send, { ...notification(marker), token })).status,
      ).toBe('accepted');
    }
    const { rows } = await pair.pg.query<{ marker: string }>(`SELECT data->>'marker' AS marker FROM notifications`);
    expect(rows.map((row) => row.marker).sort()).toEqual([...markers].sort());
  });
});

@Injectable()
class OrderNotifier {
  constructor(readonly herald: HeraldClient) {}
}

describe('libs/client: a sibling Nest app importing HeraldClientModule', () => {
  let sibling: INestApplicationContext;
  let intruder: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [
        HeraldClientModule.register({
          transport: { transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } },
          token,
        }),
      ],
      providers: [OrderNotifier],
    })
    class SiblingModule {}

    @Module({
      imports: [
        HeraldClientModule.registerAsync({
          useFactory: () => ({
            transport: { transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } },
            token: 'guessed',
          }),
        }),
      ],
      providers: [OrderNotifier],
    })
    class IntruderModule {}

    sibling = await NestFactory.createApplicationContext(SiblingModule, { logger: false });
    intruder = await NestFactory.createApplicationContext(IntruderModule, { logger: false });
  });

  afterAll(async () => {
    await sibling?.close();
    await intruder?.close();
  });

  it('sends, batches and emits with typed answers', async () => {
    const client = sibling.get(OrderNotifier).herald;
    const body = notification();
    const sent = await client.send(body);
    expectTypeOf(sent).toEqualTypeOf<HeraldSendAnswer>();
    expect(sent).toMatchObject({ status: 'accepted', deliveries: [{ channel: 'email', status: 'queued' }] });
    await expectDelivered((sent as HeraldAcceptedNotification).id, body.data.marker);

    const batch = await client.batch({ notifications: [notification(), { ...notification(), to: {} }] });
    expectTypeOf(batch).toEqualTypeOf<HeraldBatchAnswer>();
    expect(batch.items[0]).toMatchObject({ status: 'accepted' });
    expect(batch.items[1]).toMatchObject({ error: { status: 422, errors: [{ path: 'to' }] } });

    const emitted = notification();
    await client.emit(emitted);
    await eventually(async () => (await stored(emitted.data.marker)).length === 1, {
      what: 'the emitted notification',
    });
  });

  it('rejects a refusal with a HeraldClientError carrying the problem document', async () => {
    const invalid = await refusal(
      sibling.get(OrderNotifier).herald.send({ ...notification(), channels: ['fax' as never] }),
    );
    expect(invalid).toBeInstanceOf(HeraldClientError);
    expect(invalid).toMatchObject({ status: 422, problem: { status: 422, errors: [{ path: 'channels' }] } });
    expect(invalid.problem).not.toHaveProperty('message');

    const unauthorized = await refusal(intruder.get(OrderNotifier).herald.send(notification()));
    expect(unauthorized).toBeInstanceOf(HeraldClientError);
    expect(unauthorized).toMatchObject({ status: 401, problem: { type: is.stringMatching(/\/unauthorized$/) } });
  });

  it("keeps the client's wire types in step with the server's", () => {
    // Checked by the type checker (npm run typecheck): a request the client can build is a body Herald accepts,
    // and what Herald answers is what the client promises.
    expectTypeOf<HeraldSendRequest>().toExtend<SendNotificationDto>();
    expectTypeOf<AcceptedNotification>().toExtend<HeraldAcceptedNotification>();
    expectTypeOf<AcceptedNotification | DigestedSend>().toExtend<HeraldSendAnswer>();
    expectTypeOf<BatchAnswer>().toExtend<HeraldBatchAnswer>();
  });
});
