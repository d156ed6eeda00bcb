/**
 * Test data with overrides: each factory answers a valid body of the API
 * (API.md) with plain defaults; a test overrides what it is about. Overrides
 * replace whole top-level fields (no deep merge), so what a test states is
 * exactly what it sends.
 */
import type { HeraldChannelContent, HeraldSendRequest } from '@herald/client';
import type { RecipientBody, RecipientPreferences, Scope, TemplateBody } from './api-types';

export type SendRequest = HeraldSendRequest;
type Overrides<T> = Partial<T>;

/** `POST /v1/notifications` with inline content: by default one email to a@example.com. */
export function aNotification(overrides: Overrides<SendRequest> = {}): SendRequest {
  return { content: { email: { subject: 's', text: 't' } }, to: { email: 'a@example.com' }, ...overrides };
}

/** An inline email to `to`; `email` overrides the content (subject 's', text 't'). */
export function anEmail(
  to: string,
  email: Partial<NonNullable<HeraldChannelContent['email']>> = {},
  overrides: Overrides<SendRequest> = {},
): SendRequest {
  return aNotification({ content: { email: { subject: 's', text: 't', ...email } }, to: { email: to }, ...overrides });
}

/** An inline SMS to `phone`: "Code {{code}}" with `code` as data. */
export function anSms(phone: string, code = '123', overrides: Overrides<SendRequest> = {}): SendRequest {
  return aNotification({ content: { sms: { text: 'Code {{code}}' } }, to: { phone }, data: { code }, ...overrides });
}

/** An inline webhook to `webhookUrl` with this payload. */
export function aWebhook(
  webhookUrl: string,
  payload: Record<string, unknown> = { a: 1 },
  overrides: Overrides<SendRequest> = {},
): SendRequest {
  return aNotification({ content: { webhook: { payload } }, to: { webhookUrl }, ...overrides });
}

/** An inline in_app message to a stored recipient. */
export function anInAppMessage(
  recipientId: string,
  inApp: NonNullable<HeraldChannelContent['in_app']> = { title: 't', body: 'b' },
  overrides: Overrides<SendRequest> = {},
): SendRequest {
  return aNotification({ content: { in_app: inApp }, to: { recipientId }, ...overrides });
}

/** A send of template `key` to a stored recipient, with this data. */
export function aTemplatedNotification(
  key: string,
  recipientId: string,
  data: Record<string, unknown> = {},
  overrides: Overrides<SendRequest> = {},
): SendRequest {
  return { template: key, to: { recipientId }, data, ...overrides };
}

/** `PUT /v1/admin/templates/{key}`: by default one email channel. */
export function aTemplate(overrides: Partial<TemplateBody> = {}): TemplateBody {
  return { name: 'Template', channels: { email: { subject: 's', text: 't' } }, ...overrides };
}

/**
 * The "order shipped" template of several tests, on the channels given (all by default):
 * `orderId` and `name` rendered into each.
 */
export function anOrderShippedTemplate(overrides: Partial<TemplateBody> = {}): TemplateBody {
  return aTemplate({
    name: 'Order shipped',
    category: 'orders',
    channels: {
      email: {
        subject: 'Order {{orderId}} shipped',
        html: '<p>Hi {{name}}, order <b>{{orderId}}</b> is on its way</p>',
        text: 'Hi {{name}}, order {{orderId}} is on its way',
      },
    },
    ...overrides,
  });
}

/** `PUT /v1/recipients/{id}`: by default no field at all. */
export function aRecipient(overrides: Partial<RecipientBody> = {}): RecipientBody {
  return { ...overrides };
}

/** `PUT /v1/recipients/{id}/preferences`: by default nothing opted out. */
export function recipientPreferences(overrides: Partial<RecipientPreferences> = {}): RecipientPreferences {
  return { channels: {}, categories: {}, ...overrides };
}

/** `POST /v1/admin/api-keys`. */
export function anApiKey(scopes: Scope[], name = scopes.join('+')): { name: string; scopes: Scope[] } {
  return { name, scopes };
}
