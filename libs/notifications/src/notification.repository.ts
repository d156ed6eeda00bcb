import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotificationEntity } from './entities/notification.entity';
import type { PlannedNotification } from './notification.types';

@Injectable()
export class NotificationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The notification and all its deliveries, in two statements. Returns the stored creation time. */
  async insert(manager: EntityManager, plan: PlannedNotification): Promise<Date> {
    const [row] = await manager.query<[{ created_at: Date }]>(
      `INSERT INTO notifications (id, api_key_id, recipient_id, template_key, template_version, status, priority,
         locale, data, recipient, send_at, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING created_at`,
      [
        plan.id,
        plan.apiKeyId,
        plan.recipientId ?? null,
        plan.templateKey ?? null,
        plan.templateVersion ?? null,
        plan.status,
        plan.priority,
        plan.locale ?? null,
        JSON.stringify(plan.data),
        JSON.stringify(plan.recipient),
        plan.sendAt ?? null,
        plan.idempotencyKey ?? null,
      ],
    );
    await manager.query(
      `INSERT INTO deliveries (id, notification_id, channel, status, reason, address, content, next_attempt_at)
       SELECT d.id, $1, d.channel, d.status, d.reason, d.address, d.content, $3
       FROM jsonb_to_recordset($2::jsonb)
         AS d(id uuid, channel text, status text, reason text, address jsonb, content jsonb)`,
      [plan.id, JSON.stringify(plan.deliveries), plan.sendAt ?? null],
    );
    return row.created_at;
  }

  findWithDeliveries(id: string): Promise<NotificationEntity | null> {
    return this.dataSource.getRepository(NotificationEntity).findOne({
      where: { id },
      relations: { deliveries: { attemptLog: true } },
      order: { deliveries: { channel: 'ASC', attemptLog: { attempt: 'ASC' } } },
    });
  }

  /** Who created the notification (its `api_key_id`), without loading it; null when there is none. */
  findCreator(id: string): Promise<Pick<NotificationEntity, 'id' | 'apiKeyId'> | null> {
    return this.dataSource
      .getRepository(NotificationEntity)
      .findOne({ select: { id: true, apiKeyId: true }, where: { id } });
  }
}
