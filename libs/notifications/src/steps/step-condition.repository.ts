import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What an escalation step's condition reads when its delivery is due. */
@Injectable()
export class StepConditionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Whether the in-app message of `notificationId` was read. Through the notification's recipient, so the
   * inbox's recipient index finds it (messages have no index by notification).
   */
  async inAppRead(notificationId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM inbox_messages m JOIN notifications n ON m.recipient_id = n.recipient_id
       WHERE n.id = $1 AND m.notification_id = $1 AND m.read_at IS NOT NULL LIMIT 1`,
      [notificationId],
    );
    return rows.length > 0;
  }
}
