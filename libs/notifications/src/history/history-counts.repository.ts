import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Channel } from '@herald/core';
import { DataSource } from 'typeorm';
import type { DeliveryStatus } from '../entities/delivery.entity';
import type { NotificationStatus } from '../entities/notification.entity';

export interface HistoryCounts {
  notifications: { status: NotificationStatus; count: number }[];
  deliveries: { channel: Channel; status: DeliveryStatus; count: number }[];
}

interface CountRow {
  subject: 'notifications' | 'deliveries';
  channel: string;
  status: string;
  count: string;
}

/**
 * The counts the statement triggers of migration 1765200000000 keep: the folded totals plus the changes appended
 * since the last fold, read in one statement (one snapshot), so they equal a count(*) of the tables at any time.
 */
@Injectable()
export class HistoryCountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async counts(): Promise<HistoryCounts> {
    const rows: CountRow[] = await this.dataSource.query(
      `SELECT subject, channel, status, sum(count)::bigint AS count FROM (
         SELECT subject, channel, status, count FROM history_counts
         UNION ALL SELECT subject, channel, status, delta FROM history_count_changes
       ) c GROUP BY 1, 2, 3 HAVING sum(count) <> 0`,
    );
    const counts: HistoryCounts = { notifications: [], deliveries: [] };
    for (const row of rows) {
      if (row.subject === 'notifications') {
        counts.notifications.push({ status: row.status as NotificationStatus, count: Number(row.count) });
      } else {
        counts.deliveries.push({
          channel: row.channel as Channel,
          status: row.status as DeliveryStatus,
          count: Number(row.count),
        });
      }
    }
    return counts;
  }

  /** Deliveries created in [since, until), counted by the minute they were created in and their status now. */
  async deliveriesPerMinute(
    since: Date,
    until: Date,
  ): Promise<{ minute: Date; status: DeliveryStatus; count: number }[]> {
    const rows: { minute: Date; status: DeliveryStatus; count: string }[] = await this.dataSource.query(
      `SELECT minute, status, sum(count)::bigint AS count FROM (
         SELECT minute, status, count FROM delivery_minute_counts WHERE minute >= $1 AND minute < $2
         UNION ALL SELECT minute, status, delta FROM history_count_changes
         WHERE subject = 'deliveries' AND minute >= $1 AND minute < $2
       ) m GROUP BY 1, 2 HAVING sum(count) <> 0`,
      [since, until],
    );
    return rows.map((row) => ({ minute: row.minute, status: row.status, count: Number(row.count) }));
  }

  /** Moves the appended changes into the counts (`history_counts_fold()`); 0 when another process is folding. */
  async fold(): Promise<number> {
    const [{ folded }]: { folded: string }[] = await this.dataSource.query(`SELECT history_counts_fold() AS folded`);
    return Number(folded);
  }
}
