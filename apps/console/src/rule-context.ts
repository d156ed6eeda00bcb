// What explains a notification's delivery reasons beyond the reason itself: the rules of the template version it was
// rendered with, the recipient's zone and quiet hours. Read only when a reason needs them and the key may read them
// (templates need `admin`, recipients `recipients` or `read`); a failed read leaves its part out, never the page.
import { api } from './api';
import type { ReasonContext } from './reasons';
import { allows } from './session';
import type { Caller, NotificationView, Preferences, Recipient, TemplateView } from './types';

type Explained = Pick<NotificationView, 'template' | 'recipientId'> & { deliveries: { reason: string | null }[] };

const needs = (notification: Explained, ...reasons: string[]) =>
  notification.deliveries.some((delivery) => delivery.reason !== null && reasons.includes(delivery.reason));

async function templateRules(key: string, version: number): Promise<ReasonContext['rules']> {
  const { items } = await api<{ items: TemplateView[] }>(`/v1/admin/templates/${encodeURIComponent(key)}/versions`);
  const found = items.find((item) => item.version === version);
  return found && { throttle: found.throttle, digest: found.digest, steps: found.steps };
}

async function recipientClock(id: string): Promise<Pick<ReasonContext, 'timezone' | 'quietHours'>> {
  const path = `/v1/recipients/${encodeURIComponent(id)}`;
  const [recipient, preferences] = await Promise.all([api<Recipient>(path), api<Preferences>(`${path}/preferences`)]);
  return { timezone: recipient.timezone, quietHours: preferences.quietHours };
}

export async function ruleContext(notification: Explained, caller: Caller): Promise<ReasonContext> {
  const { template, recipientId } = notification;
  const [rules, clock] = await Promise.all([
    template && allows(caller, 'admin') && needs(notification, 'throttled', 'step_delay')
      ? templateRules(template.key, template.version).catch(() => undefined)
      : undefined,
    recipientId && allows(caller, 'recipients', 'read') && needs(notification, 'quiet_hours')
      ? recipientClock(recipientId).catch(() => ({}))
      : {},
  ]);
  return { rules, ...clock };
}
