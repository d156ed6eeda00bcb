import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NOTIFICATION_STATUS_SQL } from '../deliver/notification-status.sql';

/** Put in place of an address wherever history text (a provider's error) quoted one. */
const ERASED = '[erased]';

/** A PostgreSQL regular expression matching any of `values` literally, longest first; null for none. */
function literalAlternation(values: string[]): string | null {
  if (!values.length) return null;
  // In PostgreSQL's ARE syntax a backslash before ASCII punctuation makes it literal.
  const escape = (value: string) => value.replace(/[!-/:-@[-`{-~]/g, '\\$&');
  return [...values]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
}

function webhookHost(address: string): string | undefined {
  if (!/^https?:\/\//i.test(address)) return undefined;
  try {
    return new URL(address).hostname;
  } catch {
    return undefined;
  }
}

/** The notification history of one recipient, as erasure sees it. Every method runs in the caller's transaction. */
@Injectable()
export class RecipientHistoryRepository {
  /**
   * The addresses the history holds for this recipient: the inline addresses
   * of its notifications (push subscriptions included) and the addresses its
   * deliveries were sent to (a recipient's email may have changed since).
   */
  async knownAddresses(manager: EntityManager, id: string): Promise<string[]> {
    const rows: { address: string }[] = await manager.query(
      `SELECT DISTINCT address FROM (
         SELECT unnest(ARRAY[n.recipient->>'email', n.recipient->>'phone', n.recipient->>'webhookUrl']) AS address
         FROM notifications n WHERE n.recipient_id = $1
         UNION ALL
         SELECT unnest(ARRAY[s->>'endpoint', s->>'token'])
         FROM notifications n
           CROSS JOIN LATERAL jsonb_array_elements(
             CASE WHEN jsonb_typeof(n.recipient->'pushSubscriptions') = 'array' THEN n.recipient->'pushSubscriptions' ELSE '[]' END) s
         WHERE n.recipient_id = $1
         UNION ALL
         SELECT unnest(ARRAY[d.address->>'email', d.address->>'phone', d.address->>'webhookUrl'])
         FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.recipient_id = $1
       ) known WHERE address IS NOT NULL AND address <> ''`,
      [id],
    );
    return rows.map((row) => row.address);
  }

  /**
   * Cancels the deliveries of this recipient that no worker has started, with
   * each notification row locked while its deliveries change status and its own
   * status is derived again. A worker that claimed one first holds that lock:
   * the wait ends with the delivery `sending`, and it is left to finish.
   */
  async cancelUnstarted(manager: EntityManager, id: string): Promise<void> {
    const locked: { id: string }[] = await manager.query(
      `SELECT n.id FROM notifications n
       WHERE n.recipient_id = $1
         AND EXISTS (SELECT 1 FROM deliveries d
                     WHERE d.notification_id = n.id AND d.status IN ('scheduled', 'queued'))
       ORDER BY n.id FOR UPDATE`,
      [id],
    );
    if (!locked.length) return;
    const ids = locked.map((row) => row.id);
    await manager.query(
      `UPDATE deliveries SET status = 'cancelled', reason = 'recipient_deleted', next_attempt_at = NULL, updated_at = now()
       WHERE notification_id = ANY($1::uuid[]) AND status IN ('scheduled', 'queued')`,
      [ids],
    );
    for (const notificationId of ids) await manager.query(NOTIFICATION_STATUS_SQL, [notificationId]);
  }

  /**
   * Keeps only ids: notifications keep ids, template, statuses and times, but
   * `recipient` becomes `{ recipientId }`, `data` `{}` and `locale` null;
   * deliveries lose `address` and rendered `content`; every one of `addresses`
   * (and a webhook's host, which DNS errors name) becomes "[erased]" in the
   * error texts of deliveries and attempts (SMTP and Twilio errors quote them).
   */
  async scrub(manager: EntityManager, id: string, addresses: string[]): Promise<void> {
    const all = new Set(addresses);
    // A host without a dot ("api") would also match ordinary words of other errors, so it is left alone.
    for (const address of addresses) {
      const host = webhookHost(address);
      if (host?.includes('.')) all.add(host);
    }
    const pattern = literalAlternation([...all]);
    await manager.query(
      `UPDATE deliveries d SET address = NULL, content = NULL,
         error = CASE WHEN $2::text IS NULL THEN d.error ELSE regexp_replace(d.error, $2, $3, 'gi') END
       FROM notifications n WHERE n.id = d.notification_id AND n.recipient_id = $1`,
      [id, pattern, ERASED],
    );
    if (pattern) {
      await manager.query(
        `UPDATE delivery_attempts a SET error = regexp_replace(a.error, $2, $3, 'gi')
         FROM deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE a.delivery_id = d.id AND n.recipient_id = $1 AND a.error IS NOT NULL`,
        [id, pattern, ERASED],
      );
    }
    await manager.query(
      `UPDATE notifications SET recipient = jsonb_build_object('recipientId', recipient_id), data = '{}', locale = NULL
       WHERE recipient_id = $1`,
      [id],
    );
  }
}
