import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { RecipientEntity } from './entities/recipient.entity';
import type { RecipientPreferences } from './preferences/preferences.types';

/** Put in place of an address wherever history text (a provider's error) quoted one. */
const ERASED = '[erased]';

/**
 * A copy of the notification status rule in libs/notifications (deliver/delivery.repository.ts,
 * NOTIFICATION_STATUS_SQL), which this lib cannot import: notifications depends on recipients.
 * Erasure cancels deliveries, so it must derive the status the same way. Keep the two in step.
 */
const NOTIFICATION_STATUS_SQL = `
  UPDATE notifications n SET status = s.status, updated_at = now()
  FROM (
    SELECT CASE
      WHEN count(*) FILTER (WHERE status IN ('pending', 'scheduled', 'queued', 'sending')) > 0 THEN
        CASE WHEN count(*) FILTER (WHERE status NOT IN ('pending', 'scheduled', 'queued')) > 0
             THEN 'processing' END
      WHEN count(*) FILTER (WHERE status = 'failed') = 0 THEN
        CASE WHEN count(*) = count(*) FILTER (WHERE status = 'cancelled') THEN 'cancelled' ELSE 'completed' END
      WHEN count(*) FILTER (WHERE status IN ('sent', 'delivered')) > 0 THEN 'partially_failed'
      ELSE 'failed'
    END AS status
    FROM deliveries WHERE notification_id = $1
  ) s
  WHERE n.id = $1 AND s.status IS NOT NULL AND n.status <> s.status`;

/** A PostgreSQL regular expression matching any of `values` literally, longest first; null for none. */
function literalAlternation(values: string[]): string | null {
  if (!values.length) return null;
  // In PostgreSQL's ARE syntax a backslash before ASCII punctuation makes it literal.
  const escape = (value: string) => value.replace(/[!-\/:-@\[-`{-~]/g, '\\$&');
  return [...values].sort((a, b) => b.length - a.length).map(escape).join('|');
}

function webhookHost(address: string): string | undefined {
  if (!/^https?:\/\//i.test(address)) return undefined;
  try {
    return new URL(address).hostname;
  } catch {
    return undefined;
  }
}

export type RecipientFields = Pick<RecipientEntity, 'email' | 'phone' | 'locale' | 'timezone' | 'webhookUrl' | 'data'>;

@Injectable()
export class RecipientRepository {
  constructor(@InjectRepository(RecipientEntity) private readonly recipients: Repository<RecipientEntity>) {}

  findById(id: string): Promise<RecipientEntity | null> {
    return this.recipients.findOneBy({ id });
  }

  /** Insert or replace the personal fields in one statement; preferences are kept. */
  async upsert(id: string, fields: RecipientFields): Promise<{ recipient: RecipientEntity; created: boolean }> {
    const [row] = await this.recipients.query(
      `INSERT INTO recipients (id, email, phone, locale, timezone, webhook_url, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET email = $2, phone = $3, locale = $4, timezone = $5,
         webhook_url = $6, data = $7, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [id, fields.email, fields.phone, fields.locale, fields.timezone, fields.webhookUrl, fields.data],
    );
    return { recipient: (await this.findById(id))!, created: row.created };
  }

  /** Null when the recipient does not exist. */
  async findPreferences(id: string): Promise<Record<string, unknown> | null> {
    const [row] = await this.recipients.query(`SELECT preferences FROM recipients WHERE id = $1`, [id]);
    return row ? row.preferences : null;
  }

  /** False when the recipient does not exist: preferences never create one. */
  async replacePreferences(id: string, preferences: RecipientPreferences): Promise<boolean> {
    const result = await this.recipients
      .createQueryBuilder()
      .update()
      .set({ preferences: { ...preferences }, updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Erases a recipient in one transaction (API.md §4: "history keeps only ids").
   * False when the id is unknown. What goes and what stays:
   * - the recipient row (and with it preferences), its push subscriptions and
   *   its inbox messages are deleted: GET answers 404 afterwards and a send to
   *   the id behaves as for any unknown recipient. No tombstone: a tombstone
   *   would itself be data about the person, and a later PUT may reuse the id.
   * - its notifications keep their ids, template key and version, statuses,
   *   priority and times; `recipient` (the inline addresses of `to`) becomes
   *   `{ recipientId }`, `data` (the template variables: names, order details)
   *   becomes `{}` and `locale` is cleared.
   * - their deliveries keep ids, channel, status, attempts and provider message
   *   ids; `address` and the rendered `content` are cleared, and each address
   *   this recipient was ever sent at is replaced by "[erased]" in the error
   *   texts of deliveries and attempts (SMTP and Twilio errors quote it).
   * - deliveries not started yet (`pending`, `scheduled`, `queued`) are
   *   `cancelled` with reason `recipient_deleted`: nothing is left to send them to.
   *   One being sent right now finishes its attempt; a retry of it finds no address and fails.
   */
  async erase(id: string): Promise<boolean> {
    return this.recipients.manager.transaction(async (manager) => {
      const found: unknown[] = await manager.query(`SELECT 1 FROM recipients WHERE id = $1 FOR UPDATE`, [id]);
      if (!found.length) return false;
      const pattern = literalAlternation(await this.knownAddresses(manager, id));

      await this.cancelUnstarted(manager, id);
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
      await manager.query(`DELETE FROM inbox_messages WHERE recipient_id = $1`, [id]);
      await manager.query(`DELETE FROM push_subscriptions WHERE recipient_id = $1`, [id]);
      await manager.query(`DELETE FROM recipients WHERE id = $1`, [id]);
      return true;
    });
  }

  /**
   * Every address the history may quote for this recipient: the stored ones,
   * its push subscriptions, the inline addresses of its notifications, and the
   * addresses its deliveries were sent to (a recipient's email may have changed since).
   */
  private async knownAddresses(manager: EntityManager, id: string): Promise<string[]> {
    const rows: { address: string }[] = await manager.query(
      `SELECT DISTINCT address FROM (
         SELECT unnest(ARRAY[email, phone, webhook_url]) AS address FROM recipients WHERE id = $1
         UNION ALL
         SELECT unnest(ARRAY[endpoint, token]) FROM push_subscriptions WHERE recipient_id = $1
         UNION ALL
         SELECT unnest(ARRAY[n.recipient->>'email', n.recipient->>'phone', n.recipient->>'webhookUrl'])
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
    const addresses = new Set(rows.map((row) => row.address));
    // DNS errors name the webhook's host rather than its URL ("cannot resolve host ..."). A host
    // without a dot ("api") would also match ordinary words of other errors, so it is left alone.
    for (const address of [...addresses]) {
      const host = webhookHost(address);
      if (host?.includes('.')) addresses.add(host);
    }
    return [...addresses];
  }

  /**
   * Cancels the deliveries of this recipient that no worker has started, with
   * each notification row locked while its deliveries change status and its own
   * status is derived again (the rule every status change follows). A worker
   * that claimed one first holds that lock: the wait ends with the delivery
   * `sending`, and it is left to finish.
   */
  private async cancelUnstarted(manager: EntityManager, id: string): Promise<void> {
    const locked: { id: string }[] = await manager.query(
      `SELECT n.id FROM notifications n
       WHERE n.recipient_id = $1
         AND EXISTS (SELECT 1 FROM deliveries d
                     WHERE d.notification_id = n.id AND d.status IN ('pending', 'scheduled', 'queued'))
       ORDER BY n.id FOR UPDATE`,
      [id],
    );
    if (!locked.length) return;
    const ids = locked.map((row) => row.id);
    await manager.query(
      `UPDATE deliveries SET status = 'cancelled', reason = 'recipient_deleted', next_attempt_at = NULL, updated_at = now()
       WHERE notification_id = ANY($1::uuid[]) AND status IN ('pending', 'scheduled', 'queued')`,
      [ids],
    );
    for (const notificationId of ids) await manager.query(NOTIFICATION_STATUS_SQL, [notificationId]);
  }
}
