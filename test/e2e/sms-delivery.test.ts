import { describe, expect, it } from 'vitest';
import { problemOf } from '../support/api-client';
import { anSms } from '../support/factories';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import { settledNotification, sendNotification } from '../support/notifications';
import { TwilioFake, twilioError } from '../support/twilio-fake';
import { is } from '../support/matchers';

function settled(herald: HeraldHarness, notificationId: string) {
  return settledNotification(herald.admin, notificationId);
}

function sendSms(herald: HeraldHarness, phone: string, code = '123') {
  return sendNotification(herald.admin, anSms(phone, code));
}

const FROM = '+15005550006';

describe('sms through a Twilio-shaped REST API', () => {
  const twilio = new TwilioFake();
  const herald = useHerald({
    peers: [twilio],
    env: () => ({
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: FROM,
      TWILIO_BASE_URL: twilio.url,
    }),
  });

  it('posts To, From and the rendered Body with basic auth, and records the message sid', async () => {
    const sent = await sendSms(herald, '+14155550123');
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toMatchObject([{ channel: 'sms', status: 'queued' }]);

    const done = await settled(herald, sent.body.id);
    expect(done.status).toBe('completed');

    const requests = twilio.to('+14155550123');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      path: `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`,
      contentType: 'application/x-www-form-urlencoded',
      form: { To: '+14155550123', From: FROM, Body: 'Code 123' },
      status: 201,
    });
    const sid = requests[0].sid;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(done.deliveries[0]).toMatchObject({
      channel: 'sms',
      status: 'sent',
      captured: false,
      providerMessageId: sid,
      attempts: [{ attempt: 1, outcome: 'ok', error: null, providerMessageId: sid }],
    });
  });

  it('retries a Twilio 500 and then sends once', async () => {
    const phone = '+14155550124';
    twilio.scripts.set(phone, [twilioError(500, 20500, 'Internal Server Error')]);
    const sent = await sendSms(herald, phone, '456');
    const done = await settled(herald, sent.body.id);

    expect(done.status).toBe('completed');
    expect(twilio.to(phone).map((r) => r.status)).toEqual([500, 201]);
    expect(twilio.to(phone).every((r) => r.form.Body === 'Code 456')).toBe(true);
    const delivery = done.deliveries[0];
    expect(delivery.status).toBe('sent');
    expect(delivery.providerMessageId).toBe(twilio.to(phone)[1].sid);
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[0]).toMatchObject({ attempt: 1, outcome: 'transient_error' });
    expect(delivery.attempts[0].error).toMatch(/HTTP 500.*Internal Server Error/);
    expect(delivery.attempts[1]).toMatchObject({
      attempt: 2,
      outcome: 'ok',
      providerMessageId: delivery.providerMessageId,
    });
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    const phone = '+14155550125';
    twilio.scripts.set(phone, [{ ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '1' } }]);
    const sent = await sendSms(herald, phone);
    const done = await settled(herald, sent.body.id);

    expect(done.deliveries[0]).toMatchObject({ status: 'sent' });
    const [first, second] = twilio.to(phone);
    expect([first.status, second.status]).toEqual([429, 201]);
    // DELIVERY_BACKOFF_MS is 50 in tests: only the Retry-After explains a gap of a second.
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it("fails at once on a Twilio 400, with Twilio's message and code", async () => {
    const phone = '+14155550126';
    twilio.scripts.set(phone, [twilioError(400, 21211, `The 'To' number ${phone} is not a valid phone number.`)]);
    const sent = await sendSms(herald, phone);
    const done = await settled(herald, sent.body.id);

    expect(done.status).toBe('failed');
    expect(twilio.to(phone)).toHaveLength(1);
    const delivery = done.deliveries[0];
    expect(delivery.status).toBe('failed');
    expect(delivery.error).toContain(`The 'To' number ${phone} is not a valid phone number.`);
    expect(delivery.error).toContain('21211');
    expect(delivery.attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error' }]);
  });

  it('fails at once when Twilio refuses the credentials (401)', async () => {
    const phone = '+14155550127';
    const token = twilio.authToken;
    twilio.authToken = 'rotated-at-twilio';
    try {
      const sent = await sendSms(herald, phone);
      const done = await settled(herald, sent.body.id);

      expect(done.status).toBe('failed');
      expect(twilio.to(phone).map((r) => r.status)).toEqual([401]);
      expect(done.deliveries[0].status).toBe('failed');
      expect(done.deliveries[0].error).toMatch(/HTTP 401.*Authenticate/);
      expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error' }]);
    } finally {
      twilio.authToken = token;
    }
  });

  it('refuses an invalid phone number at accept time, naming to.phone', async () => {
    const before = twilio.requests.length;
    const refused = await sendSms(herald, '12345');
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(problemOf(refused, 422).errors).toEqual(is.arrayContaining([is.objectContaining({ path: 'to.phone' })]));
    expect(twilio.requests.length).toBe(before);
  });
});

describe('sms without Twilio settings', () => {
  const herald = useHerald();

  it('captures the rendered message instead of sending it', async () => {
    const sent = await sendSms(herald, '+14155550123', '789');
    expect(sent.status).toBe(202);
    const done = await settled(herald, sent.body.id);

    expect(done.status).toBe('completed');
    expect(done.deliveries[0]).toMatchObject({
      channel: 'sms',
      status: 'sent',
      captured: true,
      content: { text: 'Code 789' },
      attempts: [{ attempt: 1, outcome: 'ok', error: null }],
    });
  });
});
