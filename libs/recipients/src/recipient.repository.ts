import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { RecipientEntity } from './entities/recipient.entity';
import type { RecipientPreferences } from './preferences/preferences.types';

export type RecipientFields = Pick<RecipientEntity, 'email' | 'phone' | 'locale' | 'timezone' | 'webhookUrl' | 'data'>;

@Injectable()
export class RecipientRepository {
  constructor(@InjectRepository(RecipientEntity) private readonly recipients: Repository<RecipientEntity>) {}

  findById(id: string): Promise<RecipientEntity | null> {
    return this.recipients.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<RecipientEntity[]> {
    return this.recipients.findBy({ id: In(ids) });
  }

  /** Insert or replace the personal fields in one statement; preferences are kept. */
  async upsert(id: string, fields: RecipientFields): Promise<{ recipient: RecipientEntity; created: boolean }> {
    const [row] = await this.recipients.query<[{ created: boolean }]>(
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
    const [row] = await this.recipients.query<[{ preferences: Record<string, unknown> }?]>(
      `SELECT preferences FROM recipients WHERE id = $1`,
      [id],
    );
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
   * Reads the recipient's preferences and creation time under a row lock, and writes what `change` answers (null:
   * nothing to write). False when the recipient does not exist. The lock makes a read-modify-write of the column
   * safe against a concurrent PUT of the preferences or another change.
   */
  updatePreferences(
    id: string,
    change: (current: { preferences: unknown; createdAt: Date }) => RecipientPreferences | null,
  ): Promise<boolean> {
    return this.recipients.manager.transaction(async (manager) => {
      const [row] = await manager.query<[{ preferences: unknown; created_at: Date }?]>(
        `SELECT preferences, created_at FROM recipients WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) return false;
      const next = change({ preferences: row.preferences, createdAt: row.created_at });
      if (next) {
        await manager.query(`UPDATE recipients SET preferences = $2, updated_at = now() WHERE id = $1`, [
          id,
          JSON.stringify(next),
        ]);
      }
      return true;
    });
  }

  /**
   * Locks the recipient for erasure in the caller's transaction and answers
   * every address it holds (its own and its push subscriptions'), or null when
   * it does not exist.
   */
  async lockForErasure(manager: EntityManager, id: string): Promise<string[] | null> {
    const found: unknown[] = await manager.query(`SELECT 1 FROM recipients WHERE id = $1 FOR UPDATE`, [id]);
    if (!found.length) return null;
    const rows: { address: string | null }[] = await manager.query(
      `SELECT unnest(ARRAY[email, phone, webhook_url]) AS address FROM recipients WHERE id = $1
       UNION ALL
       SELECT unnest(ARRAY[endpoint, token]) FROM push_subscriptions WHERE recipient_id = $1`,
      [id],
    );
    return rows.map((row) => row.address).filter((address): address is string => !!address);
  }

  /**
   * Deletes the recipient with what only it owns: inbox messages, push
   * subscriptions and preferences. No tombstone: it would itself be data
   * about the person, and a later PUT may reuse the id.
   */
  async deleteWithDependents(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM inbox_messages WHERE recipient_id = $1`, [id]);
    await manager.query(`DELETE FROM push_subscriptions WHERE recipient_id = $1`, [id]);
    await manager.query(`DELETE FROM recipients WHERE id = $1`, [id]);
  }
}
