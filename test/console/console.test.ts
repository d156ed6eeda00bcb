/**
 * The web console at /admin, end to end in Debian's headless Chromium driven by playwright-core, against Herald
 * started by the harness with the console built by `npm run build` (npm test builds first). Each step acts as a
 * user would (labels, buttons, links) and then checks what the API holds, not only what the page shows.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../support/api-types';
import { eventually } from '../support/eventually';
import { useHerald } from '../support/herald-harness';
import { WebhookReceiver } from '../support/webhook-receiver';
import { Browser, launchChromium } from './chromium';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const receiver = new WebhookReceiver(WEBHOOK_SECRET);
const herald = useHerald({ peers: [receiver], env: { WEBHOOK_SECRET }, timeoutMs: 120_000 });

const TEMPLATE = `console.welcome.${randomBytes(3).toString('hex')}`;
const HOOK = '/hooks/console';
const STEP_MS = 120_000;
const WAIT = { timeout: 30_000 };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.page();
}, STEP_MS);

afterAll(async () => {
  await browser?.close();
});

const admin = (path = '') => `${herald.baseUrl}/admin${path}`;

async function signIn(target: Page, key: string): Promise<void> {
  await target.goto(admin());
  await target.getByLabel('API key').fill(key);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

/** The text of the rendered preview field, once it is there. */
async function previewed(field: string): Promise<string> {
  const cell = page.locator(`[data-field="${field}"]`);
  await cell.waitFor(WAIT);
  return (await cell.textContent()) ?? '';
}

describe('the console', () => {
  it(
    'refuses a wrong key with a clear message, and signs in with a good one',
    async () => {
      await signIn(page, 'hk_not-a-key');
      await expect
        .poll(() => page.getByRole('alert').textContent(), WAIT)
        .toContain('This API key is unknown or revoked');
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

      await page.getByLabel('API key').fill(herald.adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
      await browser.screenshot(page, 'overview-empty');
    },
    STEP_MS,
  );

  it(
    'offers only what a key may do: a recipients key sees Recipients and Topics, not Templates or API keys',
    async () => {
      const { body } = await herald.admin.post<{ key: string }>('/v1/admin/api-keys', {
        name: 'console recipients',
        scopes: ['recipients'],
      });
      const other = await browser.page();
      await signIn(other, body.key);
      const nav = other.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Recipients' }).waitFor(WAIT);
      const links = await nav.getByRole('link').allTextContents();
      expect(links).toEqual(['Recipients', 'Topics']);
      // An address the key may not use sends it to a page it may use.
      await other.goto(admin('/api-keys'));
      await other.getByRole('heading', { name: 'Recipients' }).waitFor(WAIT);
      await other.close();
    },
    STEP_MS,
  );

  it(
    'creates a template, previews it in two locales as it is typed, and activates an older version',
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
      await page.getByLabel('New template key').fill(TEMPLATE);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name: `New template ${TEMPLATE}` }).waitFor(WAIT);

      await page.getByLabel('Name').fill('Welcome');
      await page.getByRole('checkbox', { name: 'webhook' }).check();
      await page.getByLabel('email subject').fill('Welcome {{name}}');
      await page.getByLabel('email text').fill('Hi {{name}}');
      await page.getByLabel('webhook payload (JSON)').fill('{ "event": "welcome", "name": "{{name}}" }');
      await page.getByLabel('Data (JSON)').fill('{ "name": "Ada" }');
      await expect.poll(() => previewed('email.subject'), WAIT).toBe('Welcome Ada');

      await page.getByLabel('Add a locale').fill('fr');
      await page.getByRole('button', { name: 'Add locale' }).click();
      await page.getByLabel('email subject').fill('Bienvenue {{name}}');
      await page.getByLabel('Preview locale').selectOption('fr');
      await expect.poll(() => previewed('email.subject'), WAIT).toBe('Bienvenue Ada');
      // The French variant overrides the subject only: the text falls back to the default.
      expect(await previewed('email.text')).toBe('Hi Ada');
      await page.getByLabel('Preview locale').selectOption('');
      await expect.poll(() => previewed('email.subject'), WAIT).toBe('Welcome Ada');

      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.getByText('Saved: version 1 is active.').waitFor(WAIT);

      await page.getByLabel('Locale', { exact: true }).selectOption('');
      await page.getByLabel('email subject').fill('Hello {{name}}');
      await expect.poll(() => previewed('email.subject'), WAIT).toBe('Hello Ada');
      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.getByText('Saved: version 2 is active.').waitFor(WAIT);

      // The diff between the versions names the changed line both ways.
      const diff = page.getByLabel('Changes from v1 to v2');
      await expect
        .poll(() => diff.locator('.diff-removed').allTextContents(), WAIT)
        .toEqual([expect.stringContaining('"subject": "Welcome {{name}}"')]);
      expect(await diff.locator('.diff-added').allTextContents()).toEqual([
        expect.stringContaining('"subject": "Hello {{name}}"'),
      ]);
      await browser.screenshot(page, 'template-editor');

      await page.getByRole('button', { name: 'Activate v1' }).click();
      await page.getByText('Version 1 is active.').waitFor(WAIT);
      const { body: current } = await herald.admin.get<{ version: number; channels: { email: { subject: string } } }>(
        `/v1/admin/templates/${TEMPLATE}`,
      );
      expect(current.version).toBe(1);
      expect(current.channels.email.subject).toBe('Welcome {{name}}');
      // The editor follows once it has reloaded the template: the active version.
      await expect.poll(() => page.getByLabel('email subject').inputValue(), WAIT).toBe('Welcome {{name}}');
    },
    STEP_MS,
  );

  let webhookNotification = '';

  it(
    'sends a test, finds it in the history, opens it and sees its attempts, and retries its failed delivery',
    async () => {
      // The receiver refuses the first call for good (400), then accepts.
      receiver.script(HOOK, { status: 400 });
      await page.getByLabel('Address type').selectOption('webhookUrl');
      await page.getByLabel('Address', { exact: true }).fill(receiver.url(HOOK));
      await page.getByRole('button', { name: 'Send test' }).click();
      const sent = page.getByRole('status').filter({ hasText: 'Accepted:' });
      await sent.waitFor(WAIT);
      webhookNotification = ((await sent.getByRole('link').textContent()) ?? '').replace('notification ', '');
      expect(webhookNotification).toMatch(/^[0-9a-f-]{36}$/);
      await eventually(
        async () => {
          const { body } = await herald.admin.get<NotificationView>(`/v1/notifications/${webhookNotification}`);
          return body.deliveries.find((d) => d.channel === 'webhook')?.status === 'failed';
        },
        { timeoutMs: 30_000, what: 'the webhook delivery failed' },
      );

      // And one email, captured (no SMTP_URL in tests).
      await page.getByLabel('Address type').selectOption('email');
      await page.getByLabel('Address', { exact: true }).fill('ada@example.com');
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.getByRole('status').filter({ hasText: 'email queued' }).waitFor(WAIT);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
      await page.getByLabel('template').fill(TEMPLATE);
      await page.getByLabel('status').selectOption('failed');
      await page.getByRole('button', { name: 'Search notifications' }).click();
      const rows = page.getByRole('region', { name: 'Notifications' }).locator('tbody tr');
      await expect
        .poll(async () => Promise.all((await rows.all()).map((row) => row.getAttribute('data-id'))), WAIT)
        .toEqual([webhookNotification]);
      await browser.screenshot(page, 'history');
      await rows.getByRole('link').click();

      const card = page.getByRole('article', { name: 'webhook delivery' });
      await card.getByText('Attempt 1').waitFor(WAIT);
      expect(await card.locator('.timeline li').getAttribute('data-outcome')).toBe('permanent_error');
      expect(await card.locator('.timeline').textContent()).toContain('400');

      await card.getByRole('button', { name: 'Retry delivery' }).click();
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return (await card.locator('h2 .status').textContent()) === 'delivered';
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'the delivery shown delivered' },
      );
      expect(await card.locator('.timeline li').nth(1).getAttribute('data-outcome')).toBe('ok');
      expect(await card.locator('h2 .status').textContent()).toBe('delivered');
      expect(receiver.to(HOOK).map((call) => call.verified)).toEqual([
        { event: 'welcome', name: 'Ada' },
        { event: 'welcome', name: 'Ada' },
      ]);
      await browser.screenshot(page, 'notification');
    },
    STEP_MS,
  );

  it(
    "edits a recipient's preferences",
    async () => {
      await herald.admin.put('/v1/recipients/console-ada', { email: 'ada@example.com', phone: '+14155550100' });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recipients' }).click();
      await page.getByLabel('Recipient id').fill('console-ada');
      await page.getByRole('button', { name: 'Look up' }).click();
      const preferences = page.getByRole('form', { name: 'Preferences' });
      const sms = preferences.getByRole('checkbox', { name: 'sms' });
      await sms.waitFor(WAIT);
      expect(await page.getByRole('textbox', { name: 'email', exact: true }).inputValue()).toBe('ada@example.com');
      await sms.uncheck();
      await preferences
        .getByLabel('Categories and quiet hours (JSON)')
        .fill('{ "categories": { "marketing": false } }');
      await preferences.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByText('Preferences saved.').waitFor(WAIT);
      const { body } = await herald.admin.get<{ channels: Record<string, boolean>; categories: object }>(
        '/v1/recipients/console-ada/preferences',
      );
      expect(body.channels.sms).toBe(false);
      expect(body.categories).toEqual({ marketing: false });
      await browser.screenshot(page, 'recipient');
    },
    STEP_MS,
  );

  it(
    'shows the deliveries just made on the overview chart, as the history query counts them',
    async () => {
      // Settled first (the captured email may still be on its way), so the chart has its final counts to show.
      await eventually(
        async () => {
          const { body } = await herald.admin.get<{ deliveries: Record<string, Record<string, number>> }>(
            '/v1/admin/stats',
          );
          return body.deliveries.email.sent === 1 && body.deliveries.webhook.delivered === 1;
        },
        { timeoutMs: 30_000, what: 'the email sent and the webhook delivered' },
      );
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
      const legend = page.locator('.chart .legend');
      // The webhook delivered (after its retry) and the captured email sent; the other channels were skipped.
      await expect.poll(() => legend.locator('li[data-status="delivered"] strong').textContent(), WAIT).toBe('1');
      expect(await legend.locator('li[data-status="sent"] strong').textContent()).toBe('1');
      expect(await legend.locator('li[data-status="skipped"] strong').textContent()).toBe('2');
      expect(await page.locator('.chart svg rect[data-status="delivered"]').count()).toBeGreaterThan(0);
      await browser.screenshot(page, 'overview');
    },
    STEP_MS,
  );

  it(
    'creates an API key, shows its secret once, and revokes it',
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
      await page.getByLabel('Name').fill('console made');
      await page.getByRole('checkbox', { name: 'read' }).check();
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = await page.getByLabel('New key secret').textContent();
      expect(secret).toMatch(/^hk_/);
      const me = await fetch(`${herald.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(((await me.json()) as { scopes: string[] }).scopes).toEqual(['send', 'read']);

      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Revoke console made' }).click();
      await page.getByRole('button', { name: 'Confirm revoke console made' }).click();
      await page.getByRole('button', { name: 'Revoke console made' }).waitFor({ state: 'detached', ...WAIT });
      const after = await fetch(`${herald.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(after.status).toBe(401);
    },
    STEP_MS,
  );

  it(
    'fits a 360 px wide screen: no page scrolls sideways',
    async () => {
      const phone = await browser.page(360);
      await signIn(phone, herald.adminKey);
      await phone.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
      const pages: [string, string][] = [
        ['', 'Overview'],
        ['/templates', 'Templates'],
        [`/templates/${TEMPLATE}`, `Template ${TEMPLATE}`],
        ['/history', 'History'],
        [`/notifications/${webhookNotification}`, 'Notification'],
        ['/recipients/console-ada', 'Recipient console-ada'],
        ['/api-keys', 'API keys'],
      ];
      for (const [path, heading] of pages) {
        // A reload of a client route: the API serves the console's page for it.
        await phone.goto(admin(path));
        await phone.getByRole('heading', { name: heading, exact: true }).waitFor(WAIT);
        await phone.waitForLoadState('networkidle');
        // Run in the page, where `document` is; this file is compiled without the DOM's types.
        const width = await phone.evaluate('document.documentElement.scrollWidth');
        expect({ path, width }).toEqual({ path, width: 360 });
      }
      // The menu folds into a button there, and opens.
      await phone.getByRole('button', { name: 'Menu' }).click();
      await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).waitFor(WAIT);
      await browser.screenshot(phone, 'phone-menu');
      await phone.close();
    },
    STEP_MS,
  );

  it('met no script error and no Content-Security-Policy refusal on any page', () => {
    expect(browser.problems).toEqual([]);
  });
});
