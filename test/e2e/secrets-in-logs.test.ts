import { randomBytes } from 'node:crypto';
import { freePort } from '@herald/core';
import { HeraldPatterns } from '@herald/client';
import { inboxToken } from '@herald/recipients';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, clientWithScopes, expectProblem } from '../support/api-client';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { anEmail, anInAppMessage, anSms, aRecipient, aWebhook } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';
import { SmtpSink } from '../support/smtp-sink';
import { twilioError, TwilioFake } from '../support/twilio-fake';
import { WebhookReceiver } from '../support/webhook-receiver';

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

/** Every secret this Herald is given or hands out; none may appear in what it prints. */
const SECRETS = {
  ADMIN_API_KEY: secret('admin-'),
  INBOX_SECRET: secret('inbox-'),
  MICROSERVICE_TOKEN: secret('transport-'),
  SMTP_PASSWORD: secret('smtp-'),
  WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
};

const smtp = new SmtpSink();
const twilio = new TwilioFake();
const hooks = new WebhookReceiver(SECRETS.WEBHOOK_SECRET);
const harness = useHerald({ app: false, peers: [smtp, twilio, hooks] });

/**
 * Herald as a process of its own, logging at info (pino writes JSON lines to stdout, past anything a test could
 * intercept in-process), its output captured whole.
 */
describe('secrets in logs', () => {
  let child: Child;
  let admin: ApiClient;
  let transport: ClientProxy;
  let output = '';
  const handedOut: Record<string, string> = {};

  beforeAll(async () => {
    const [port, tcpPort] = [await freePort(), await freePort()];
    child = startChild('node', ['scripts/start.mjs', 'herald'], {
      env: {
        ...process.env,
        ...testEnv(harness.db.url, {
          PORT: String(port),
          LOG_LEVEL: 'info',
          ADMIN_API_KEY: SECRETS.ADMIN_API_KEY,
          INBOX_SECRET: SECRETS.INBOX_SECRET,
          MICROSERVICE_TRANSPORT: 'tcp',
          MICROSERVICE_TCP_PORT: String(tcpPort),
          MICROSERVICE_TOKEN: SECRETS.MICROSERVICE_TOKEN,
          SMTP_URL: `smtp://herald:${SECRETS.SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
          WEBHOOK_SECRET: SECRETS.WEBHOOK_SECRET,
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM: '+14155550100',
          TWILIO_BASE_URL: twilio.url,
        }),
      },
    });
    admin = new ApiClient(`http://127.0.0.1:${port}`, SECRETS.ADMIN_API_KEY);
    await eventually(async () => (await admin.get('/health/ready')).status === 200, {
      timeoutMs: 30_000,
      what: `Herald to start; output: ${child.output()}`,
    });
    transport = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } });
  }, 60_000);

  afterAll(async () => {
    await transport?.close();
    if (child) await stopChild(child);
  });

  it('prints none of them while serving, delivering and refusing', async () => {
    // An API key's secret, shown once, then used (and refused where its scope does not reach).
    const sender = await clientWithScopes(admin, 'send');
    handedOut.apiKey = sender.key!;
    expectProblem(await sender.get('/v1/admin/templates'), 403);
    expectProblem(await admin.withKey(`${sender.key!}x`).get('/v1/admin/templates'), 401);

    // Deliveries through every provider that holds a secret, one failing at Twilio.
    await admin.put('/v1/recipients/user-1', aRecipient({ email: 'user-1@example.com' }));
    twilio.scripts.set('+14155550199', [twilioError(401, 20003, 'Authenticate')]);
    const sends = [
      anEmail('a@example.com'),
      anSms('+14155550123'),
      anSms('+14155550199'),
      aWebhook(hooks.url('/hook')),
      anInAppMessage('user-1'),
    ];
    for (const body of sends) {
      const sent = await sender.post<{ id: string }>('/v1/notifications', body);
      expect(sent.status).toBe(202);
      await settledNotification(admin, sent.body.id);
    }
    expect(smtp.messages).toHaveLength(1);

    // The inbox, by header and by query token (EventSource's way), and with a wrong token.
    const token = inboxToken(SECRETS.INBOX_SECRET, 'user-1');
    handedOut.inboxToken = token;
    const browser = admin.withKey(undefined);
    expect((await browser.get('/v1/recipients/user-1/inbox', { 'x-recipient-token': token })).status).toBe(200);
    expectProblem(await browser.get('/v1/recipients/user-1/inbox', { 'x-recipient-token': `${token}x` }), 401);
    const stream = new AbortController();
    const streamed = await fetch(`${admin.baseUrl}/v1/recipients/user-1/inbox/stream?token=${token}`, {
      signal: stream.signal,
    });
    expect(streamed.status).toBe(200);
    stream.abort();
    expectProblem(await browser.get(`/v1/recipients/user-1/inbox?token=${token}&key=${SECRETS.ADMIN_API_KEY}`), 401);

    // The transport, with its token and with a wrong one.
    const accepted = await firstValueFrom(
      transport
        .send<{ status: string }>(HeraldPatterns.send, {
          ...anEmail('b@example.com'),
          token: SECRETS.MICROSERVICE_TOKEN,
        })
        .pipe(timeout(10_000)),
    );
    expect(accepted).toMatchObject({ status: 'accepted' });
    await expect(
      firstValueFrom(
        transport.send(HeraldPatterns.send, { ...anEmail('b@example.com'), token: 'wrong' }).pipe(timeout(10_000)),
      ),
    ).rejects.toBeDefined();

    // Failing requests of other kinds: malformed JSON, a secret where an address goes, an unknown route.
    expectProblem(await admin.post('/v1/notifications', '{"to":'), 400);
    expectProblem(await admin.post('/v1/notifications', { to: { email: SECRETS.ADMIN_API_KEY } }), 422);
    expectProblem(await admin.get('/v1/nowhere'), 404);

    await stopChild(child);
    output = child.output();
    // The capture holds the request logs (so an empty capture cannot pass), then none of the secrets.
    expect(output).toMatch(/"url":"\/v1\/notifications"/);
    expect(output).toMatch(/"url":"\/v1\/recipients\/user-1\/inbox\/stream\?token=\[Redacted\]"/);
    const basicAuth = Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');
    const secrets = { ...SECRETS, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_BASIC_AUTH: basicAuth, ...handedOut };
    for (const [name, value] of Object.entries(secrets)) {
      expect(output.includes(value), `${name} is in the logs`).toBe(false);
    }
  });
});
