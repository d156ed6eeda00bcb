/**
 * The console shows why the orchestration rules (API.md §9) did what they did, end to end in Debian's Chromium: a
 * throttled send, a send held by quiet hours, an escalation step, a broadcast's fan-out and a digest, each made
 * through the API, then read on the console's pages as a user would (text shown, links followed).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedNotification, DigestedSend, DigestView, NotificationHistoryItem } from '../support/api-types';
import { aRecipient, aTemplate, aTemplatedNotification, recipientPreferences } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { subscribedTopic } from '../support/topics';
import { Browser, launchChromium } from './chromium';

const herald = useHerald({ timeoutMs: 120_000 });

const RUN = randomBytes(3).toString('hex');
const STEP_MS = 120_000;
const WAIT = { timeout: 30_000 };
const SUBSCRIBERS = 60;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.page();
  await page.goto(`${herald.baseUrl}/admin`);
  await page.getByLabel('API key').fill(herald.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
}, STEP_MS);

afterAll(async () => {
  await browser?.close();
});

const admin = (path = '') => `${herald.baseUrl}/admin${path}`;
const send = (template: string, recipientId: string, data: Record<string, unknown> = {}) =>
  herald.admin.post<AcceptedNotification>('/v1/notifications', aTemplatedNotification(template, recipientId, data));

/** "HH:MM" of now plus `minutes` in a zone. */
function clockIn(zone: string, minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(Date.now() + minutes * 60_000))
    .replace(/^24/, '00');
}

describe('the console shows the rules', () => {
  const throttled = `rules.throttled.${RUN}`;
  let throttledId = '';

  it(
    "a throttled send: its delivery says skipped, throttled, with the template's limit, in the history and on its page",
    async () => {
      await herald.admin.put(
        `/v1/admin/templates/${throttled}`,
        aTemplate({ channels: { email: { subject: 'Hi', text: 'Hi' } }, throttle: { limit: 1, window: 3600 } }),
      );
      await herald.admin.put('/v1/recipients/rules-t', aRecipient({ email: 'rules-t@example.com' }));
      expect((await send(throttled, 'rules-t')).body.deliveries[0].status).toBe('queued');
      const second = (await send(throttled, 'rules-t')).body;
      expect(second.deliveries).toEqual([expect.objectContaining({ status: 'skipped', reason: 'throttled' })]);
      throttledId = second.id;
      const words = "throttled: the template's limit of 1 per 1 hour for this recipient was reached";

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
      await page.getByLabel('template').fill(throttled);
      await page.getByRole('button', { name: 'Search notifications' }).click();
      const row = page.getByRole('region', { name: 'Notifications' }).locator(`tbody tr[data-id="${throttledId}"]`);
      await expect
        .poll(() => row.locator('li[data-channel="email"]').textContent(), WAIT)
        .toBe(`email: skipped — ${words}`);

      // The deliveries list says it too (without the numbers: it does not read templates).
      await page.getByRole('button', { name: 'Deliveries' }).click();
      await page.getByLabel('status').selectOption('skipped');
      await page.getByRole('button', { name: 'Search deliveries' }).click();
      const skipped = page.getByRole('region', { name: 'Deliveries' }).locator('tbody tr');
      await expect
        .poll(() => skipped.first().locator('.delivery-state').textContent(), WAIT)
        .toBe("skipped — throttled: the template's send limit per window was reached");
      await browser.screenshot(page, 'rules-history');

      await page.goto(admin(`/notifications/${throttledId}`));
      const card = page.getByRole('article', { name: 'email delivery' });
      await expect.poll(() => card.locator('.why').textContent(), WAIT).toBe(words);
      expect(await card.locator('h2 .status').textContent()).toBe('skipped');
      await browser.screenshot(page, 'rules-throttled');
    },
    STEP_MS,
  );

  it(
    "a send inside quiet hours: scheduled until their end in the recipient's zone; an escalation step: its delay",
    async () => {
      const zone = 'Europe/Berlin';
      // Read once: the expected words must name the very window stored, whatever minute the test reaches.
      const [start, end] = [clockIn(zone, -60), clockIn(zone, 120)];
      await herald.admin.put('/v1/recipients/rules-q', aRecipient({ email: 'rules-q@example.com', timezone: zone }));
      await herald.admin.put(
        '/v1/recipients/rules-q/preferences',
        recipientPreferences({ quietHours: { start, end } }),
      );
      await herald.admin.put(
        `/v1/admin/templates/rules.quiet.${RUN}`,
        aTemplate({
          channels: { in_app: { body: 'Hi' }, email: { subject: 'Hi', text: 'Hi' } },
          steps: [{ channel: 'in_app' }, { channel: 'email', delay: 600, unless: 'read' }],
        }),
      );
      const held = (await send(`rules.quiet.${RUN}`, 'rules-q')).body;
      expect(held.deliveries.map((delivery) => delivery.reason)).toEqual(['quiet_hours', 'quiet_hours']);

      await page.goto(admin(`/notifications/${held.id}`));
      const email = page.getByRole('article', { name: 'email delivery' });
      await expect
        .poll(() => email.locator('.why').textContent(), WAIT)
        .toBe(`quiet hours: held until ${end} in ${zone}, the end of the recipient's quiet hours (${start}–${end})`);
      expect(await email.locator('h2 .status').textContent()).toBe('scheduled');

      // Outside quiet hours the email step waits for its delay alone.
      await herald.admin.put('/v1/recipients/rules-s', aRecipient({ email: 'rules-s@example.com' }));
      const stepped = (await send(`rules.quiet.${RUN}`, 'rules-s')).body;
      await page.goto(admin(`/notifications/${stepped.id}`));
      await expect
        .poll(() => email.locator('.why').textContent(), WAIT)
        .toBe(
          'step delay: an escalation step that goes 10 minutes after the send, unless the in-app message is read by then',
        );
    },
    STEP_MS,
  );

  const topic = `rules-topic-${RUN}`;
  let broadcastId = '';

  it(
    'a broadcast: its progress until completed, and each notification it made links to it',
    async () => {
      await subscribedTopic(herald, topic, SUBSCRIBERS, (id) => `https://example.com/${id}`);
      await herald.admin.put(`/v1/admin/templates/${topic}`, aTemplate({ channels: { in_app: { body: 'News' } } }));
      const sent = await herald.admin.post<{ broadcastId: string }>('/v1/notifications', {
        template: topic,
        to: { topic },
      });
      expect(sent.status).toBe(202);
      broadcastId = sent.body.broadcastId;

      await page.goto(admin(`/broadcasts/${broadcastId}`));
      await page.getByRole('heading', { name: 'Broadcast' }).waitFor(WAIT);
      // The page refreshes itself while the fan-out runs.
      await expect.poll(() => page.locator('.facts .status').textContent(), WAIT).toBe('completed');
      expect(await page.locator('[data-field="reached"]').textContent()).toBe(String(SUBSCRIBERS));
      expect(await page.locator('[data-field="total"]').textContent()).toBe(String(SUBSCRIBERS));
      expect(await page.locator('[data-field="created"]').textContent()).toBe(String(SUBSCRIBERS));
      expect(await page.locator('[data-field="skipped"]').textContent()).toBe('0');
      await browser.screenshot(page, 'rules-broadcast');

      const { body } = await herald.admin.get<{ items: NotificationHistoryItem[] }>(
        `/v1/admin/notifications?template=${topic}&limit=1`,
      );
      const [made] = body.items;
      expect(made.broadcastId).toBe(broadcastId);
      await page.goto(admin(`/notifications/${made.id}`));
      await page.getByRole('link', { name: `broadcast ${broadcastId}` }).click();
      await page.getByRole('heading', { name: 'Broadcast' }).waitFor(WAIT);
      expect(new URL(page.url()).pathname).toBe(`/admin/broadcasts/${broadcastId}`);

      // The history list links there too.
      await page.goto(admin('/history'));
      await page.getByLabel('template').fill(topic);
      await page.getByRole('button', { name: 'Search notifications' }).click();
      const rows = page.getByRole('region', { name: 'Notifications' }).locator('tbody tr');
      await expect.poll(() => rows.count(), WAIT).toBe(25);
      await rows.first().getByRole('link', { name: 'from a broadcast' }).click();
      await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/admin/broadcasts/${broadcastId}`);
    },
    STEP_MS,
  );

  it(
    "a topic: its subscribers a page at a time, the broadcast's topic links there, and so do the topic list and lookup",
    async () => {
      await page.getByRole('link', { name: topic }).click();
      await page.getByRole('heading', { name: `Topic ${topic}` }).waitFor(WAIT);
      expect(await page.locator('[data-field="subscriberCount"]').textContent()).toBe(String(SUBSCRIBERS));
      const rows = page.getByRole('region', { name: 'Subscribers' }).locator('tbody tr');
      await expect.poll(() => rows.count(), WAIT).toBe(50);
      await page.getByRole('button', { name: 'Load more subscribers' }).click();
      await expect.poll(() => rows.count(), WAIT).toBe(SUBSCRIBERS);
      expect(await rows.last().getAttribute('data-id')).toBe(`${topic}-${String(SUBSCRIBERS - 1).padStart(5, '0')}`);
      expect(await page.getByRole('button', { name: 'Load more subscribers' }).count()).toBe(0);

      // 50 topics whose keys sort before it: the list's first page ends before it, "Load more" reaches it.
      await herald.pg.query(
        `INSERT INTO topics (key, name) SELECT 'a-filler-' || lpad(n::text, 2, '0'), 'Filler' FROM generate_series(1, 50) n`,
      );
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topics' }).click();
      const list = page.getByRole('region', { name: 'Topics' });
      const topics = list.locator('tbody tr');
      await expect.poll(() => topics.count(), WAIT).toBe(50);
      expect(await topics.first().getAttribute('data-id')).toBe('a-filler-01');
      expect(await list.getByRole('link', { name: topic }).count()).toBe(0);
      await page.getByRole('button', { name: 'Load more topics' }).click();
      await expect.poll(() => topics.count(), WAIT).toBe(51);
      expect(await page.getByRole('button', { name: 'Load more topics' }).count()).toBe(0);
      expect(await topics.last().locator('td').allTextContents()).toEqual([topic, topic, String(SUBSCRIBERS)]);
      await list.getByRole('link', { name: topic }).click();
      await page.getByRole('heading', { name: `Topic ${topic}` }).waitFor(WAIT);
      expect(new URL(page.url()).pathname).toBe(`/admin/topics/${topic}`);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topics' }).click();
      await page.getByLabel('Topic key').fill('no-such-topic');
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByRole('alert').waitFor(WAIT);
    },
    STEP_MS,
  );

  it(
    'a digest: its count and close, the notification it became, which says it came from it with its events',
    async () => {
      const template = `rules.digest.${RUN}`;
      await herald.admin.put(
        `/v1/admin/templates/${template}`,
        aTemplate({ channels: { in_app: { body: '{{count}} comments' } }, digest: { window: 3, key: '{{project}}' } }),
      );
      await herald.admin.put('/v1/recipients/rules-d', aRecipient());
      const answers = [];
      for (const n of [1, 2, 3]) {
        answers.push(
          (
            await herald.admin.post<DigestedSend>(
              '/v1/notifications',
              aTemplatedNotification(template, 'rules-d', { n, project: 'apollo' }),
            )
          ).body,
        );
      }
      const digestId = answers[0].digestId;
      expect(answers.map((answer) => answer.digestId)).toEqual([digestId, digestId, digestId]);

      await page.goto(admin(`/digests/${digestId}`));
      await page.getByRole('heading', { name: 'Digest' }).waitFor(WAIT);
      expect(await page.locator('[data-field="count"]').textContent()).toBe('3 of at most 1000');
      // It refreshes itself until it closes into its notification.
      const link = page.getByRole('link', { name: /^notification / });
      await link.waitFor(WAIT);
      expect(await page.locator('.facts .status').textContent()).toBe('closed');
      const closed = (await herald.admin.get<DigestView>(`/v1/digests/${digestId}`)).body;
      expect(await link.textContent()).toBe(`notification ${closed.notificationId}`);

      // The events the digest holds, oldest first, each send's data (GET /v1/digests/{id}/events).
      const rows = page.getByRole('region', { name: 'Events' }).locator('tbody tr');
      await expect.poll(() => rows.count(), WAIT).toBe(3);
      expect(await rows.locator('td:first-child').allTextContents()).toEqual(['1', '2', '3']);
      const shown = (await rows.locator('td:nth-child(2)').allTextContents()).map(
        (text) => JSON.parse(text) as unknown,
      );
      expect(shown).toEqual([1, 2, 3].map((n) => ({ n, project: 'apollo' })));
      expect(await page.getByRole('button', { name: 'Load more events' }).count()).toBe(0);
      await browser.screenshot(page, 'rules-digest');

      await link.click();
      await page.getByRole('heading', { name: 'Notification' }).waitFor(WAIT);
      const origin = page.locator('dd').filter({ hasText: `digest ${digestId}` });
      await expect.poll(() => origin.textContent(), WAIT).toBe(`digest ${digestId} with 3 events`);
      await origin.getByRole('link').click();
      await page.getByRole('heading', { name: 'Digest' }).waitFor(WAIT);
      expect(new URL(page.url()).pathname).toBe(`/admin/digests/${digestId}`);
    },
    STEP_MS,
  );

  it(
    "the template editor tells the template's rules in words, and saving keeps them",
    async () => {
      await page.goto(admin(`/templates/${throttled}`));
      const rules = page.getByRole('list', { name: 'Rules' });
      await expect
        .poll(() => rules.locator('li[data-rule="throttle"]').textContent(), WAIT)
        .toBe('Throttle: at most 1 per 1 hour for each recipient; beyond it deliveries are skipped (throttled)');
      expect(JSON.parse(await page.getByLabel('Rules: throttle, digest, steps (JSON)').inputValue())).toEqual({
        throttle: { limit: 1, window: 3600 },
      });

      // Edited in the form: the words follow as it is typed, and the API stores it.
      await page
        .getByLabel('Rules: throttle, digest, steps (JSON)')
        .fill('{ "throttle": { "limit": 5, "window": 60 } }');
      await expect
        .poll(() => rules.locator('li[data-rule="throttle"]').textContent(), WAIT)
        .toContain('at most 5 per 1 minute');
      await browser.screenshot(page, 'rules-template');
      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.getByText('Saved: version 2 is active.').waitFor(WAIT);
      const { body } = await herald.admin.get<{ throttle?: object }>(`/v1/admin/templates/${throttled}`);
      expect(body.throttle).toEqual({ limit: 5, window: 60 });

      // The throttled notification was rendered with version 1: its page still tells version 1's limit.
      await page.goto(admin(`/notifications/${throttledId}`));
      await expect
        .poll(() => page.getByRole('article', { name: 'email delivery' }).locator('.why').textContent(), WAIT)
        .toContain('limit of 1 per 1 hour');
    },
    STEP_MS,
  );

  it(
    'fits a 360 px wide screen on the new pages',
    async () => {
      const phone = await browser.page(360);
      await phone.goto(admin());
      await phone.getByLabel('API key').fill(herald.adminKey);
      await phone.getByRole('button', { name: 'Sign in' }).click();
      await phone.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
      for (const [path, heading] of [
        [`/broadcasts/${broadcastId}`, 'Broadcast'],
        [`/topics/${topic}`, `Topic ${topic}`],
        [`/notifications/${throttledId}`, 'Notification'],
        ['/topics', 'Topics'],
      ]) {
        await phone.goto(admin(path));
        await phone.getByRole('heading', { name: heading, exact: true }).waitFor(WAIT);
        await phone.waitForLoadState('networkidle');
        const width = await phone.evaluate('document.documentElement.scrollWidth');
        expect({ path, width }).toEqual({ path, width: 360 });
      }
      await phone.close();
    },
    STEP_MS,
  );

  it('met no script error and no Content-Security-Policy refusal on any page', () => {
    expect(browser.problems).toEqual([]);
  });
});
