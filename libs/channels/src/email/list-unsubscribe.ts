import type { EmailContent } from '@herald/templates';

/**
 * RFC 8058 one-click unsubscribe headers for an email that carries unsubscribe targets (a stored recipient and a
 * categorised, non-critical template), else none: `List-Unsubscribe` lists the HTTPS URL first (what one-click
 * POSTs to), then the mailto when configured (RFC 2369, for clients that only mail), and
 * `List-Unsubscribe-Post` tells the mailbox provider it may POST without showing the user a page.
 */
export function listUnsubscribeHeaders(unsubscribe: EmailContent['unsubscribe']): Record<string, string> {
  if (!unsubscribe) return {};
  const targets = [unsubscribe.url, unsubscribe.mailto].filter((target) => target !== undefined);
  return {
    'List-Unsubscribe': targets.map((target) => `<${target}>`).join(', '),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
