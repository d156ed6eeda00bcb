/**
 * One-click unsubscribe (API.md §6.1, RFC 8058) end to end: the headers an SMTP server receives, the pages and the
 * opt-out behind the link, on both queue backends. The links name PUBLIC_URL, which is not where this Herald
 * listens: the test follows them at the same path on its base URL, as a proxy at PUBLIC_URL would.
 */
import { describe, expect, it } from 'vitest';
import { ApiClient, expectProblem } from '../support/api-client';
import type { RecipientPreferences } from '../support/api-types';
import { eventually } from '../support/eventually';
import { is } from '../support/matchers';
import { anEmail, aRecipient, aTemplate, aTemplatedNotification } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';

const PUBLIC_URL = 'https://links.herald.test/herald';
const MAILTO = 'unsubscribe@herald.test';
const ONE_CLICK = 'List-Unsubscribe=One-Click';

/** A header of the raw message, unfolded; undefined when absent. */
function header(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

const newsletter = aTemplate({
  name: 'Newsletter',
  category: 'news',
  channels: {
    email: {
      subject: 'News for {{name}}',
      html: '<p>Hi {{name}}</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
      text: 'Hi {{name}}. Unsubscribe: {{unsubscribeUrl}}',
    },
  },
});

describe.each(queueBackends())('one-click unsubscribe on the $name queue backend', (backend) => {
  const smtp = new SmtpSink();
  const herald = useHerald({
    backend,
    peers: [smtp],
    env: () => ({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Herald <no-reply@herald.test>',
      PUBLIC_URL,
      UNSUBSCRIBE_MAILTO: MAILTO,
    }),
  });
  const anonymous = () => new ApiClient(herald.baseUrl);

  /** Sends `body` and answers the mail that reached the SMTP server for `to`. */
  async function mailOf(body: unknown, to: string): Promise<{ mail: ReceivedMail; id: string }> {
    const sent = await sendNotification(herald.admin, body);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const deliveryId = sent.body.deliveries[0].id;
    const mail = await eventually(() => smtp.messages.find((m) => m.parsed.messageId?.startsWith(`<${deliveryId}@`)), {
      what: `the mail to ${to} at the SMTP server`,
    });
    expect(mail.envelope.to).toEqual([to]);
    return { mail, id: sent.body.id };
  }

  /** The link's path on this Herald (PUBLIC_URL's path prefix is the proxy's). */
  const pathOf = (url: string) => url.slice(PUBLIC_URL.length);

  const form = (url: string, body: string | FormData | undefined, headers: Record<string, string> = {}) =>
    fetch(herald.baseUrl + pathOf(url), { method: 'POST', body, headers });

  const preferences = async (id: string) =>
    (await herald.admin.get<RecipientPreferences>(`/v1/recipients/${id}/preferences`)).body;

  it.skipIf(backend.skip)(
    'puts both headers on a categorised, non-critical email to a stored recipient, and renders {{unsubscribeUrl}}',
    async () => {
      expect((await herald.admin.put('/v1/admin/templates/newsletter', newsletter)).status).toBe(201);
      expect((await herald.admin.put('/v1/recipients/ada', aRecipient({ email: 'ada@example.com' }))).status).toBe(201);
      const { mail, id } = await mailOf(
        aTemplatedNotification('newsletter', 'ada', { name: 'Ada' }),
        'ada@example.com',
      );

      const listUnsubscribe = header(mail, 'List-Unsubscribe')!;
      const match =
        /^<(https:\/\/links\.herald\.test\/herald\/v1\/unsubscribe\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+))>, <mailto:unsubscribe@herald\.test\?subject=unsubscribe%20([^>]+)>$/.exec(
          listUnsubscribe,
        );
      expect(match, listUnsubscribe).not.toBeNull();
      const [, url, token, mailtoToken] = match!;
      expect(mailtoToken).toBe(token);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe(ONE_CLICK);
      expect(mail.parsed.html).toContain(`<a href="${url}">Unsubscribe</a>`);
      expect(mail.parsed.text?.trim()).toBe(`Hi Ada. Unsubscribe: ${url}`);
      // The history shows what was sent, the targets beside the rendered content.
      const done = await settledNotification(herald.admin, id, 'completed');
      expect(done.deliveries[0].content).toMatchObject({ unsubscribe: { url, mailto: is.any(String) } });
    },
  );

  it.skipIf(backend.skip)('shows a confirmation page on GET, which opts nobody out', async () => {
    await herald.admin.put('/v1/recipients/grace', aRecipient({ email: 'grace@example.com' }));
    const { mail } = await mailOf(
      aTemplatedNotification('newsletter', 'grace', { name: 'Grace' }),
      'grace@example.com',
    );
    const url = /<(https:[^>]+)>/.exec(header(mail, 'List-Unsubscribe')!)![1];

    for (let i = 0; i < 2; i++) {
      const page = await fetch(herald.baseUrl + pathOf(url));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-store');
      // Helmet's headers: no other site may frame the button, and the form may only post here.
      expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
      expect(page.headers.get('content-security-policy')).toMatch(/form-action 'self'/);
      const html = await page.text();
      expect(html).toContain('<strong>news</strong>');
      expect(html).toMatch(/<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">/);
      expect(html).not.toMatch(/<script/);
    }
    expect(await preferences('grace')).toEqual({ channels: {}, categories: {} });
  });

  it.skipIf(backend.skip)(
    "opts the recipient out of the category for email on POST, idempotently; the next send's email is skipped opted_out",
    async () => {
      await herald.admin.put('/v1/recipients/alan', aRecipient({ email: 'alan@example.com', phone: '+15005550006' }));
      await herald.admin.put('/v1/recipients/alan/preferences', {
        channels: {},
        categories: { news: { sms: false }, orders: false },
      });
      const { mail } = await mailOf(aTemplatedNotification('newsletter', 'alan', { name: 'Alan' }), 'alan@example.com');
      const url = /<(https:[^>]+)>/.exec(header(mail, 'List-Unsubscribe')!)![1];

      // What a mailbox provider sends (RFC 8058 §3.2).
      const oneClick = await form(url, ONE_CLICK, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(oneClick.status).toBe(200);
      expect(oneClick.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await oneClick.text()).toContain('You are unsubscribed');
      const after = { channels: {}, categories: { news: { sms: false, email: false }, orders: false } };
      expect(await preferences('alan')).toEqual(after);

      // Again, as multipart, empty, and with a JSON body: the same answer, nothing more changed.
      const multipart = new FormData();
      multipart.set('List-Unsubscribe', 'One-Click');
      for (const [body, headers] of [
        [multipart, {}],
        [undefined, {}],
        ['{}', { 'content-type': 'application/json' }],
      ] as const) {
        const again = await form(url, body, headers);
        expect(again.status).toBe(200);
        await again.body?.cancel();
      }
      expect(await preferences('alan')).toEqual(after);

      const next = await sendNotification(herald.admin, aTemplatedNotification('newsletter', 'alan', { name: 'Alan' }));
      expect(next.status).toBe(202);
      expect(next.body.deliveries).toEqual([
        is.objectContaining({ channel: 'email', status: 'skipped', reason: 'opted_out' }),
      ]);
    },
  );

  it.skipIf(backend.skip)('answers 404 to a forged, tampered, malformed or stale token, changing nothing', async () => {
    await herald.admin.put('/v1/recipients/eve', aRecipient({ email: 'eve@example.com' }));
    const { mail } = await mailOf(aTemplatedNotification('newsletter', 'eve', { name: 'Eve' }), 'eve@example.com');
    const url = /<(https:[^>]+)>/.exec(header(mail, 'List-Unsubscribe')!)![1];
    const [payload, mac] = url.slice(url.lastIndexOf('/') + 1).split('.');
    const otherPayload = Buffer.from(JSON.stringify(['ada', 'news', 0])).toString('base64url');
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    const bad = [
      `${payload}.${flipped}`,
      `${otherPayload}.${mac}`,
      `${payload}.${mac.toLowerCase()}`,
      `${payload}`,
      'not-a-token',
      `${'x'.repeat(5000)}.${mac}`,
      '%F0%9F%92%A9.%00',
    ];
    for (const token of bad) {
      expectProblem(await anonymous().get(`/v1/unsubscribe/${token}`), 404);
      expectProblem(
        await anonymous().request('POST', `/v1/unsubscribe/${token}`, ONE_CLICK, {
          'content-type': 'application/x-www-form-urlencoded',
        }),
        404,
      );
    }
    expect(await preferences('eve')).toEqual({ channels: {}, categories: {} });

    // Eve erased, and her id given to someone new: her old link names nobody any more.
    expect((await herald.admin.delete('/v1/recipients/eve')).status).toBe(204);
    await herald.admin.put('/v1/recipients/eve', aRecipient({ email: 'eve.new@example.com' }));
    expectProblem(await anonymous().get(pathOf(url)), 404);
    expectProblem(await anonymous().post(pathOf(url)), 404);
    expect(await preferences('eve')).toEqual({ channels: {}, categories: {} });
  });

  it.skipIf(backend.skip)(
    'is honoured by every process of the installation with no setting, and refused by one with another secret',
    async () => {
      await herald.admin.put('/v1/recipients/joan', aRecipient({ email: 'joan@example.com' }));
      const { mail } = await mailOf(aTemplatedNotification('newsletter', 'joan', { name: 'Joan' }), 'joan@example.com');
      const path = pathOf(/<(https:[^>]+)>/.exec(header(mail, 'List-Unsubscribe')!)![1]);

      // Another installation (its own secret, same database for the sake of the test): not its link.
      const foreign = await herald.start({
        apps: ['api'],
        env: { PUBLIC_URL, UNSUBSCRIBE_SECRET: 'another-installation-secret-0123456789' },
      });
      expectProblem(await new ApiClient(foreign.baseUrl).post(path), 404);
      // A second api process of this installation reads the same secret from PostgreSQL.
      const sibling = await herald.start({ apps: ['api'], env: { PUBLIC_URL } });
      expect((await new ApiClient(sibling.baseUrl).get(path)).status).toBe(200);
      expect((await new ApiClient(sibling.baseUrl).post(path)).status).toBe(200);
      expect((await preferences('joan')).categories).toEqual({ news: { email: false } });
    },
  );

  it.skipIf(backend.skip)(
    'puts no header on a critical template, an uncategorised one, or inline content, and renders the link empty',
    async () => {
      await herald.admin.put('/v1/recipients/linus', aRecipient({ email: 'linus@example.com' }));
      const email = newsletter.channels.email;
      await herald.admin.put('/v1/admin/templates/password-reset', { ...newsletter, critical: true });
      await herald.admin.put('/v1/admin/templates/uncategorised', { ...newsletter, category: undefined });
      const sends = [
        aTemplatedNotification('password-reset', 'linus', { name: 'Linus' }),
        aTemplatedNotification('uncategorised', 'linus', { name: 'Linus' }),
        // A template to an address with no stored recipient.
        { template: 'newsletter', to: { email: 'inline@example.com' }, data: { name: 'Inline' } },
        anEmail('inline@example.com', email, { data: { name: 'Inline', unsubscribeUrl: 'https://sender.example/u' } }),
      ];
      for (const body of sends) {
        const to = 'email' in body.to ? body.to.email! : 'linus@example.com';
        const { mail } = await mailOf(body, to);
        expect(header(mail, 'List-Unsubscribe'), JSON.stringify(body)).toBeUndefined();
        expect(header(mail, 'List-Unsubscribe-Post')).toBeUndefined();
        expect(mail.parsed.html).toContain('<a href="">Unsubscribe</a>');
      }
    },
  );
});
