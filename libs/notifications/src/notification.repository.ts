import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HISTORY_TABLES, PreparedStatements, uuidTime, withWeekPartitions } from '@herald/core';
import { DataSource, EntityManager } from 'typeorm';
import { NotificationEntity } from './entities/notification.entity';
import type { PlannedNotification } from './notification.types';

/** One notification to store: its plan, the time its answer says, and the idempotency answer to complete. */
export interface NotificationInsert {
  plan: PlannedNotification;
  createdAt: Date;
  answer?: { apiKeyId: string; key: string; body: unknown };
}

@Injectable()
export class NotificationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedStatements,
  ) {}

  /**
   * Stores notifications with all their deliveries, and completes the
   * idempotency record of each that has a key (its stored answer), in one
   * statement: atomic without a transaction block, one round trip for a single
   * send, a group of concurrent ones or a whole batch. Each row's `createdAt`
   * is given, so its stored answer carries exactly the stored time. `manager`: a transaction's, for a caller that
   * stores more with it (a broadcast's fan-out advancing its cursor, a digest's close): the statement then runs on
   * that transaction's connection, not prepared. Without one it is the prepared statement of every send.
   */
  async insertAll(rows: NotificationInsert[], manager?: EntityManager): Promise<void> {
    const notifications = rows.map(({ plan, createdAt }) => ({
      id: plan.id,
      api_key_id: plan.apiKeyId,
      recipient_id: plan.recipientId ?? null,
      template_key: plan.templateKey ?? null,
      template_version: plan.templateVersion ?? null,
      status: plan.status,
      priority: plan.priority,
      locale: plan.locale ?? null,
      data: plan.data,
      recipient: plan.recipient,
      send_at: plan.sendAt ?? null,
      idempotency_key: plan.idempotencyKey ?? null,
      broadcast_id: plan.broadcastId ?? null,
      created_at: createdAt,
    }));
    const deliveries = rows.flatMap(({ plan }) =>
      plan.deliveries.map((delivery) => ({
        id: delivery.id,
        notification_id: plan.id,
        channel: delivery.channel,
        status: delivery.status,
        reason: delivery.reason ?? null,
        address: delivery.address ?? null,
        content: delivery.content ?? null,
        next_attempt_at: delivery.dueAt ?? null,
        unless: delivery.unless ?? null,
      })),
    );
    const answers = rows.flatMap(({ answer }) =>
      answer ? [{ api_key_id: answer.apiKeyId, key: answer.key, body: answer.body }] : [],
    );
    const text = `WITH stored AS (
         INSERT INTO notifications (id, api_key_id, recipient_id, template_key, template_version, status, priority,
           locale, data, recipient, send_at, idempotency_key, broadcast_id, created_at, updated_at)
         SELECT n.id, n.api_key_id, n.recipient_id, n.template_key, n.template_version, n.status, n.priority,
           n.locale, n.data, n.recipient, n.send_at, n.idempotency_key, n.broadcast_id, n.created_at, n.created_at
         FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, api_key_id text, recipient_id text, template_key text,
           template_version integer, status text, priority text, locale text, data jsonb, recipient jsonb,
           send_at timestamptz, idempotency_key text, broadcast_id uuid, created_at timestamptz)
         RETURNING id
       ), deliveries AS (
         -- The foreign key to notifications is checked at the end of the statement, when both are inserted.
         INSERT INTO deliveries (id, notification_id, channel, status, reason, address, content, next_attempt_at,
           unless)
         SELECT d.id, d.notification_id, d.channel, d.status, d.reason, d.address, d.content, d.next_attempt_at,
           d.unless
         FROM jsonb_to_recordset($2::jsonb) AS d(id uuid, notification_id uuid, channel text, status text,
           reason text, address jsonb, content jsonb, next_attempt_at timestamptz, unless text)
       ), answered AS (
         UPDATE idempotency_keys k SET response_status = 202, response_body = a.body
         FROM jsonb_to_recordset($3::jsonb) AS a(api_key_id text, key text, body jsonb)
         WHERE k.api_key_id = a.api_key_id AND k.key = a.key
       )
       SELECT count(*)::int AS stored FROM stored`;
    const values = [JSON.stringify(notifications), JSON.stringify(deliveries), JSON.stringify(answers)];
    const insert = () =>
      manager ? manager.query(text, values) : this.prepared.query('herald_notifications_insert', text, values);
    // Deliveries' ids carry their notification's time (notification-planner.ts): the notifications' weeks are theirs.
    await withWeekPartitions(
      this.dataSource,
      HISTORY_TABLES,
      notifications.map((row) => uuidTime(row.id)),
      insert,
    );
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
