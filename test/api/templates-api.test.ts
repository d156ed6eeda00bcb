import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/api-client';
import type {
  AcceptedNotification,
  NotificationView,
  Page,
  RecipientView,
  TemplatePreview,
  TemplateVersions,
  TemplateView,
  ValidationProblem,
} from '../support/api-types';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';

const herald = useHerald({ apps: ['api'] });

const definition = aTemplate({
  name: 'Order shipped',
  category: 'orders',
  channels: {
    email: { subject: 'Order {{orderId}} shipped', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}' },
    sms: { text: 'Order {{orderId}} shipped' },
    webhook: { payload: { event: 'order.shipped', order: '{{orderId}}', items: ['{{name}}'] } },
  },
  locales: { fr: { email: { subject: 'Commande {{orderId}} expédiée' } } },
});

describe('templates', () => {
  it('creates version 1, keeps it for identical content and adds version 2 when the content changes', async () => {
    const created = await herald.admin.put<TemplateView>('/v1/admin/templates/order.shipped', definition);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'order.shipped', version: 1, name: 'Order shipped', critical: false });

    const same = await herald.admin.put<TemplateView>('/v1/admin/templates/order.shipped', definition);
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    const changed = await herald.admin.put<TemplateView>('/v1/admin/templates/order.shipped', {
      ...definition,
      channels: { ...definition.channels, sms: { text: 'Shipped: {{orderId}}' } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(2);

    const versions = await herald.admin.get<TemplateVersions>('/v1/admin/templates/order.shipped/versions');
    expect(versions.body.items.map((v) => v.version)).toEqual([2, 1]);
    expect((await herald.admin.get<TemplateView>('/v1/admin/templates/order.shipped')).body.channels.sms?.text).toBe(
      'Shipped: {{orderId}}',
    );
  });

  it('rolls back to an earlier version and records the version a notification used', async () => {
    const activated = await herald.admin.post<TemplateView>('/v1/admin/templates/order.shipped/versions/1/activate');
    expect(activated.status).toBe(200);
    expect(activated.body.version).toBe(1);
    const sent = await herald.admin.post<AcceptedNotification>('/v1/notifications', {
      template: 'order.shipped',
      to: { phone: '+14155550123' },
      channels: ['sms'],
      data: { orderId: 'A-1', name: 'Ada' },
    });
    expect(sent.status).toBe(202);
    const read = await herald.admin.get<NotificationView>(`/v1/notifications/${sent.body.id}`);
    expect(read.body.template).toEqual({ key: 'order.shipped', version: 1 });
    expect(read.body.deliveries[0].content).toEqual({ text: 'Order A-1 shipped' });
    expect((await herald.admin.post('/v1/admin/templates/order.shipped/versions/9/activate')).status).toBe(404);
  });

  it('previews every channel, with locale fallback per field and HTML escaped only in HTML', async () => {
    const preview = await herald.admin.post<TemplatePreview>('/v1/admin/templates/order.shipped/preview', {
      data: { orderId: 'B&2', name: '<Ada>' },
      locale: 'fr-CA',
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      email: { subject: 'Commande B&2 expédiée', html: '<p>Hi &lt;Ada&gt;</p>', text: 'Hi <Ada>' },
      sms: { text: 'Order B&2 shipped' },
      webhook: { payload: { event: 'order.shipped', order: 'B&2', items: ['<Ada>'] } },
    });
    const older = await herald.admin.post<TemplatePreview>('/v1/admin/templates/order.shipped/preview', {
      data: { orderId: '1', name: 'x' },
      version: 2,
    });
    expect(older.body.sms?.text).toBe('Shipped: 1');
  });

  it('refuses a template that does not compile, naming the field and the line', async () => {
    const broken = await herald.admin.put('/v1/admin/templates/broken', {
      name: 'Broken',
      channels: { email: { subject: 'ok', html: '<p>\n{{#if x}}\nno end' } },
    });
    expectProblem<ValidationProblem>(broken, 422);
    expect(broken.body.type).toMatch(/template-invalid$/);
    expect(broken.body.errors[0]).toMatchObject({
      path: 'channels.email.html',
      message: is.stringMatching(/line 3/),
    });
    expect((await herald.admin.get('/v1/admin/templates/broken')).status).toBe(404);
  });

  it('validates the definition: channels, locales and schema', async () => {
    const bad = await herald.admin.put('/v1/admin/templates/bad', {
      name: '',
      channels: { email: { html: 'no subject' }, fax: {} },
      locales: { fr: { sms: { text: 'no sms channel' } } },
    });
    expectProblem<ValidationProblem>(bad, 422);
    const paths = bad.body.errors.map((e) => e.path);
    expect(paths).toEqual(is.arrayContaining(['name', 'channels.email.subject', 'channels.fax']));

    const locale = await herald.admin.put('/v1/admin/templates/bad', {
      name: 'x',
      channels: { email: { subject: 's' } },
      locales: { fr: { sms: { text: 'no sms channel' } } },
    });
    expectProblem<ValidationProblem>(locale, 422);
    expect(locale.body.errors[0].path).toBe('locales.fr.sms');

    const schema = await herald.admin.put('/v1/admin/templates/bad', {
      name: 'x',
      channels: { email: { subject: 's' } },
      schema: { type: 'no-such-type' },
    });
    expectProblem<ValidationProblem>(schema, 422);
    expect(schema.body.errors[0].path).toBe('schema');
  });

  it('deletes a template: it is gone from reads and sends, and a new PUT revives it as a new version', async () => {
    await herald.admin.put(
      '/v1/admin/templates/temp',
      aTemplate({ name: 'Temp', channels: { email: { subject: 's' } } }),
    );
    expect((await herald.admin.delete('/v1/admin/templates/temp')).status).toBe(204);
    expect((await herald.admin.get('/v1/admin/templates/temp')).status).toBe(404);
    expect((await herald.admin.delete('/v1/admin/templates/temp')).status).toBe(404);
    const send = await herald.admin.post('/v1/notifications', { template: 'temp', to: { email: 'a@example.com' } });
    expect(send.status).toBe(422);
    const list = await herald.admin.get<Page<TemplateView>>('/v1/admin/templates');
    expect(list.body.items.map((t) => t.key)).not.toContain('temp');
    const revived = await herald.admin.put<TemplateView>(
      '/v1/admin/templates/temp',
      aTemplate({ name: 'Temp', channels: { email: { subject: 's' } } }),
    );
    expect(revived.status).toBe(201);
    expect(revived.body.version).toBe(2);
  });
});

describe('recipients', () => {
  it('creates, replaces and reads a recipient', async () => {
    const created = await herald.admin.put('/v1/recipients/user-7', {
      email: 'u7@example.com',
      phone: '+33612345678',
      locale: 'fr',
      timezone: 'Europe/Paris',
      webhookUrl: 'https://hooks.example.com/u7',
      data: { plan: 'pro' },
    });
    expect(created.status).toBe(201);
    const replaced = await herald.admin.put('/v1/recipients/user-7', { email: 'new@example.com' });
    expect(replaced.status).toBe(200);
    const read = await herald.admin.get<RecipientView>('/v1/recipients/user-7');
    expect(read.body).toMatchObject({ id: 'user-7', email: 'new@example.com', phone: null, locale: null, data: {} });
  });

  it('refuses bad addresses naming each field, and answers 404 for an unknown recipient', async () => {
    const bad = await herald.admin.put('/v1/recipients/user-8', {
      email: 'nope',
      phone: '0612345678',
      timezone: 'Mars/Olympus',
      webhookUrl: 'javascript:alert(1)',
      extra: 1,
    });
    expectProblem<ValidationProblem>(bad, 422);
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual(['email', 'extra', 'phone', 'timezone', 'webhookUrl']);
    expect((await herald.admin.get('/v1/recipients/nobody')).status).toBe(404);
    expect((await herald.admin.put('/v1/recipients/bad%20id', {})).status).toBe(422);
  });
});
