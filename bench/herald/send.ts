/** The bench's template: a webhook channel whose payload carries the send time, for accept → delivered latency. */
export const TEMPLATE_KEY = 'bench.webhook';
export const TEMPLATE = {
  name: 'Bench webhook',
  category: 'bench',
  channels: { webhook: { payload: { event: 'bench', sentAt: '{{sentAt}}', n: '{{n}}' } } },
  schema: { type: 'object', required: ['sentAt'] },
};

export interface SendTarget {
  base: string;
  key: string;
  webhookUrl: string;
}

export function notification(target: SendTarget, n: number, sentAt = 0) {
  return {
    template: TEMPLATE_KEY,
    to: { webhookUrl: target.webhookUrl },
    data: { sentAt: String(sentAt), n: String(n) },
  };
}

export function headers(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

interface Accepted {
  id?: string;
  deliveries?: { id: string; channel: string; status: string }[];
  error?: unknown;
}

function webhookDeliveries(item: Accepted, where: string): string[] {
  if (item.error) throw new Error(`${where}: item refused: ${JSON.stringify(item.error)}`);
  const ids = (item.deliveries ?? []).filter((d) => d.channel === 'webhook' && d.status === 'queued').map((d) => d.id);
  if (ids.length !== 1) throw new Error(`${where}: expected one queued webhook delivery, got ${JSON.stringify(item)}`);
  return ids;
}

async function post(target: SendTarget, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${target.base}${path}`, {
    method: 'POST',
    headers: headers(target.key),
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** One `POST /v1/notifications`; answers the id of its webhook delivery. */
export async function sendOne(target: SendTarget, n: number, sentAt = 0): Promise<string> {
  return webhookDeliveries(
    (await post(target, '/v1/notifications', notification(target, n, sentAt))) as Accepted,
    'send',
  )[0];
}

/** One `POST /v1/notifications/batch` of `size` items; answers the ids of their webhook deliveries. */
export async function sendBatch(target: SendTarget, size: number, first = 0): Promise<string[]> {
  const notifications = Array.from({ length: size }, (_, i) => notification(target, first + i));
  const answer = (await post(target, '/v1/notifications/batch', { notifications })) as { items: Accepted[] };
  if (answer.items?.length !== size) throw new Error(`batch answered ${answer.items?.length} items for ${size}`);
  return answer.items.flatMap((item) => webhookDeliveries(item, 'batch'));
}
