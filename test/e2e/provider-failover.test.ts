import { describe, expect, it } from 'vitest';
import { freePort } from '@herald/core';
import { anEmail, anSms } from '../support/factories';
import { eventually } from '../support/eventually';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import { sendNotification, settledNotification } from '../support/notifications';
import { scrape, value } from '../support/prometheus';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';
import { TwilioFake, twilioError } from '../support/twilio-fake';
import { VonageFake } from '../support/vonage-fake';

const serverName = (sink: SmtpSink) => `smtp:127.0.0.1:${sink.port}`;

/** Sends one email and waits for its notification to end. */
async function mail(herald: HeraldHarness, to: string) {
  const sent = await sendNotification(herald.admin, anEmail(to, { subject: 'failover', text: to }));
  expect(sent.status).toBe(202);
  return settledNotification(herald.admin, sent.body.id);
}

async function circuitState(herald: HeraldHarness, provider: string): Promise<string | undefined> {
  const families = await scrape(herald.baseUrl);
  return ['closed', 'open', 'half_open'].find(
    (state) => value(families, 'herald_provider_circuit_state', { channel: 'email', provider, state }) === 1,
  );
}

const COOLDOWN_MS = 4_000;

describe.each(queueBackends())('SMTP failover on the $name queue backend', (backend) => {
  const { skip } = backend;
  const first = new SmtpSink();
  const second = new SmtpSink();
  const herald = useHerald({
    backend,
    peers: [first, second],
    env: () => ({
      SMTP_URL: first.url,
      SMTP_FALLBACK_URLS: second.url,
      PROVIDER_CIRCUIT_FAILURES: '3',
      PROVIDER_CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS),
    }),
  });

  it.skipIf(skip)('sends to the second server when the first refuses with 4xx, once, in the same attempt', async () => {
    first.reject = { code: 451, message: 'try again later' };
    try {
      const done = await mail(herald, 'fourxx@example.com');
      expect(done.status).toBe('completed');
      expect(first.recipientsOffered.filter((to) => to === 'fourxx@example.com')).toHaveLength(1);
      expect(first.messages).toHaveLength(0);
      expect(second.messages.filter((m) => m.envelope.to.includes('fourxx@example.com'))).toHaveLength(1);
      expect(done.deliveries[0]).toMatchObject({
        status: 'sent',
        provider: serverName(second),
        attempts: [{ attempt: 1, outcome: 'ok', error: null, provider: serverName(second) }],
      });
    } finally {
      first.reject = undefined;
    }
  });

  it.skipIf(skip)('fails at once on a 5xx from the first server, without trying the second', async () => {
    first.reject = { code: 550, message: 'mailbox unavailable' };
    try {
      const done = await mail(herald, 'fivexx@example.com');
      expect(done.status).toBe('failed');
      expect(second.recipientsOffered).not.toContain('fivexx@example.com');
      expect(done.deliveries[0]).toMatchObject({ status: 'failed', provider: serverName(first) });
      expect(done.deliveries[0].error).toMatch(/mailbox unavailable/);
      expect(done.deliveries[0].attempts).toMatchObject([
        { attempt: 1, outcome: 'permanent_error', provider: serverName(first) },
      ]);
    } finally {
      first.reject = undefined;
    }
  });

  it.skipIf(skip)(
    'opens the circuit after repeated failures: sends go straight to the second, and a probe after the cooldown closes it',
    async () => {
      expect(await circuitState(herald, serverName(first))).toBe('closed');
      first.reject = { code: 421, message: 'too busy' };
      // PROVIDER_CIRCUIT_FAILURES=3 failures in a row at the first server open its circuit: after the third mail
      // was sent (openedAfter), and before it ended (openedBy).
      let openedAfter = 0;
      for (const to of ['busy-1@example.com', 'busy-2@example.com', 'busy-3@example.com']) {
        openedAfter = Date.now();
        expect((await mail(herald, to)).deliveries[0].provider).toBe(serverName(second));
      }
      const openedBy = Date.now();
      expect(await circuitState(herald, serverName(first))).toBe('open');

      // Open: the first server is not contacted at all (no RCPT TO), though it would now accept.
      first.reject = undefined;
      const offered = first.recipientsOffered.length;
      const skipped = await mail(herald, 'skipped@example.com');
      expect(Date.now() - openedBy).toBeLessThan(COOLDOWN_MS);
      expect(skipped.deliveries[0]).toMatchObject({
        status: 'sent',
        attempts: [{ attempt: 1, outcome: 'ok', provider: serverName(second) }],
      });
      expect(first.recipientsOffered.length).toBe(offered);
      expect(second.messages.filter((m) => m.envelope.to.includes('skipped@example.com'))).toHaveLength(1);

      // Once the cooldown has passed, one send probes the first server again; its success closes the circuit.
      const probe = await eventually(
        async () => {
          const done = await mail(herald, 'probe@example.com');
          return done.deliveries[0].provider === serverName(first) && done;
        },
        { timeoutMs: COOLDOWN_MS + 20_000, intervalMs: 250, what: 'a send to reach the first server again' },
      );
      expect(Date.now() - openedAfter).toBeGreaterThanOrEqual(COOLDOWN_MS);
      expect(probe.deliveries[0].attempts).toMatchObject([{ outcome: 'ok', provider: serverName(first) }]);
      expect(first.messages.filter((m) => m.envelope.to.includes('probe@example.com'))).toHaveLength(1);
      expect(await circuitState(herald, serverName(first))).toBe('closed');
      expect((await mail(herald, 'after@example.com')).deliveries[0].provider).toBe(serverName(first));
    },
    60_000,
  );
});

describe.each(queueBackends())('provider failover on the $name queue backend', (backend) => {
  const { skip } = backend;
  const second = new SmtpSink();
  const twilio = new TwilioFake();
  const vonage = new VonageFake();
  let downPort = 0;
  const herald = useHerald({
    backend,
    peers: [second, twilio, vonage, { start: async () => (downPort = await freePort()), stop: async () => {} }],
    env: () => ({
      // Nothing listens there: the first SMTP server is down.
      SMTP_URL: `smtp://127.0.0.1:${downPort}`,
      SMTP_FALLBACK_URLS: second.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.url,
      VONAGE_API_KEY: vonage.apiKey,
      VONAGE_API_SECRET: vonage.apiSecret,
      VONAGE_FROM: 'Herald',
      VONAGE_BASE_URL: vonage.url,
    }),
  });

  it.skipIf(skip)('sends to the second SMTP server when the first is down, once, the attempt naming it', async () => {
    const done = await mail(herald, 'down@example.com');
    expect(done.status).toBe('completed');
    expect(second.messages.filter((m) => m.envelope.to.includes('down@example.com'))).toHaveLength(1);
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'ok', error: null, provider: serverName(second) },
    ]);
  });

  it.skipIf(skip)('sends the SMS through Vonage when Twilio answers 500', async () => {
    const phone = '+14155550131';
    twilio.scripts.set(phone, [twilioError(500, 20500, 'Internal Server Error')]);
    const sent = await sendNotification(herald.admin, anSms(phone, '777'));
    const done = await settledNotification(herald.admin, sent.body.id);

    expect(done.status).toBe('completed');
    expect(twilio.to(phone).map((r) => r.status)).toEqual([500]);
    expect(twilio.to(phone)[0].form.StatusCallback).toBe(`${herald.config.http.publicUrl}/v1/providers/twilio/status`);
    const [request] = vonage.to(phone);
    expect(vonage.to(phone)).toHaveLength(1);
    expect(request.form).toMatchObject({ from: 'Herald', to: '14155550131', text: 'Code 777' });
    expect(done.deliveries[0]).toMatchObject({
      status: 'sent',
      provider: 'vonage',
      providerMessageId: request.messageId,
      attempts: [{ attempt: 1, outcome: 'ok', provider: 'vonage', providerMessageId: request.messageId }],
    });
  });

  it.skipIf(skip)('does not fail over on a Twilio 400', async () => {
    const phone = '+14155550132';
    twilio.scripts.set(phone, [twilioError(400, 21610, 'Attempt to send to unsubscribed recipient')]);
    const sent = await sendNotification(herald.admin, anSms(phone));
    const done = await settledNotification(herald.admin, sent.body.id);

    expect(done.status).toBe('failed');
    expect(twilio.to(phone)).toHaveLength(1);
    expect(vonage.to(phone)).toHaveLength(0);
    expect(done.deliveries[0]).toMatchObject({ status: 'failed', provider: 'twilio' });
    expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error', provider: 'twilio' }]);
  });

  it.skipIf(skip)('retries when every provider fails transiently, naming both', async () => {
    const phone = '+14155550133';
    twilio.scripts.set(phone, [twilioError(503, 20503, 'Service Unavailable')]);
    vonage.scripts.set('14155550133', ['5']);
    const sent = await sendNotification(herald.admin, anSms(phone));
    const done = await settledNotification(herald.admin, sent.body.id);

    expect(done.status).toBe('completed');
    const [first, second] = done.deliveries[0].attempts;
    expect(first).toMatchObject({ attempt: 1, outcome: 'transient_error', provider: 'vonage' });
    expect(first.error).toMatch(/^twilio: HTTP 503.*; vonage: Vonage status 5/);
    expect(second).toMatchObject({ attempt: 2, outcome: 'ok', provider: 'twilio' });
    expect(twilio.to(phone).map((r) => r.status)).toEqual([503, 201]);
  });
});
