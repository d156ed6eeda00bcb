import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@herald/core';
import { DataSource } from 'typeorm';
import {
  NewSuppression,
  SuppressedChannel,
  SuppressionFilter,
  SuppressionReason,
  SuppressionView,
  suppressedAddress,
} from './suppression.types';

interface SuppressionRow {
  id: string;
  channel: SuppressedChannel;
  address: string;
  reason: SuppressionReason;
  source: string;
  delivery_id: string | null;
  detail: string | null;
  created_at: Date;
}

const COLUMNS = 'id, channel, address, reason, source, delivery_id, detail, created_at';

function view(row: SuppressionRow): SuppressionView {
  return {
    id: row.id,
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    source: row.source,
    deliveryId: row.delivery_id,
    detail: row.detail,
    createdAt: row.created_at,
  };
}

/** The suppression list's reads and writes; addresses are matched as `suppressedAddress` stores them. */
@Injectable()
export class SuppressionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a suppression; the same address and reason again keeps the first (providers repeat events). */
  async add(suppression: NewSuppression): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO suppressions (id, channel, address, reason, source, delivery_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (channel, address, reason) DO NOTHING`,
      [
        uuidv7(),
        suppression.channel,
        suppressedAddress(suppression.address).address,
        suppression.reason,
        suppression.source,
        suppression.deliveryId ?? null,
        suppression.detail ?? null,
      ],
    );
  }

  /**
   * The reasons this address is suppressed for, each with whether the notification's template is critical: one
   * probe of the unique index, and the template read only when the address is on the list.
   */
  async reasonsFor(
    channel: SuppressedChannel,
    address: string,
    notificationId: string,
  ): Promise<{ reason: SuppressionReason; critical: boolean }[]> {
    return this.dataSource.query(
      `SELECT s.reason, EXISTS (
         SELECT 1 FROM notifications n
         JOIN template_versions v ON v.template_key = n.template_key AND v.version = n.template_version
         WHERE n.id = $3 AND v.definition->>'critical' = 'true'
       ) AS critical
       FROM suppressions s WHERE s.channel = $1 AND s.address = $2`,
      [channel, suppressedAddress(address).address, notificationId],
    );
  }

  /** A page, newest first; one row more than asked, so the caller knows whether another page follows. */
  async page(filter: SuppressionFilter): Promise<SuppressionView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.address !== undefined) {
      const { channel, address } = suppressedAddress(filter.address);
      params.push(channel, address);
      where.push(`channel = $${params.length - 1} AND address = $${params.length}`);
    }
    if (filter.reason) {
      params.push(filter.reason);
      where.push(`reason = $${params.length}`);
    }
    if (filter.cursor) {
      params.push(filter.cursor);
      where.push(`id < $${params.length}`);
    }
    params.push(filter.limit + 1);
    const rows = await this.dataSource.query<SuppressionRow[]>(
      `SELECT ${COLUMNS} FROM suppressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(view);
  }

  /** Every suppression of these addresses (a recipient's email and phone), newest first. */
  async forAddresses(addresses: string[]): Promise<SuppressionView[]> {
    if (!addresses.length) return [];
    const keys = addresses.map(suppressedAddress);
    const rows = await this.dataSource.query<SuppressionRow[]>(
      `SELECT ${COLUMNS} FROM suppressions
       WHERE (channel, address) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY id DESC`,
      [keys.map((key) => key.channel), keys.map((key) => key.address)],
    );
    return rows.map(view);
  }

  /** Answers whether there was one. */
  async remove(id: string): Promise<boolean> {
    // A CTE, so TypeORM answers rows (a bare DELETE ... RETURNING answers [rows, count]).
    const [{ removed }] = await this.dataSource.query<[{ removed: number }]>(
      `WITH removed AS (DELETE FROM suppressions WHERE id = $1 RETURNING id) SELECT count(*)::int AS removed FROM removed`,
      [id],
    );
    return removed > 0;
  }

  /** A phone's START: its STOP is lifted (nothing else suppresses a phone). Answers how many were removed. */
  async liftSmsStop(phone: string): Promise<number> {
    const [{ removed }] = await this.dataSource.query<[{ removed: number }]>(
      `WITH removed AS (
         DELETE FROM suppressions WHERE channel = 'sms' AND address = $1 AND reason = 'sms_stop' RETURNING id
       )
       SELECT count(*)::int AS removed FROM removed`,
      [suppressedAddress(phone).address],
    );
    return removed;
  }
}
