import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeliveryStatus } from '../entities/delivery.entity';
import { derivedStatusSql } from './notification-status.sql';

/** What a provider reported after it accepted a message: the receiver has it, or it never arrived. */
export type ProviderOutcome = { status: 'delivered' } | { status: 'failed'; error: string };

/** How a callback names its delivery: Herald's id (an email's Message-ID), or the provider's message id (a Twilio SID). */
export type ProviderMessageRef =
  { channel: 'email' | 'sms'; deliveryId: string } | { channel: 'email' | 'sms'; providerMessageId: string };

/** What recording an outcome did: no such delivery, a status it cannot move from, or the new status. */
export type ProviderStatusResult =
  { found: false } | { found: true; deliveryId: string; changed: boolean; status: DeliveryStatus };

/**
 * The statuses an outcome moves a delivery from. Only forward: a `sent` message becomes `delivered` or `failed`,
 * and a late bounce can still fail a `delivered` email (receivers bounce after accepting); nothing reopens a
 * `failed` one, and a callback racing the worker's own record (`sending`) changes nothing.
 */
const MOVES_FROM: Record<ProviderOutcome['status'], DeliveryStatus[]> = {
  delivered: ['sent'],
  failed: ['sent', 'delivered'],
};

interface ResultRow {
  delivery_id: string | null;
  status: DeliveryStatus | null;
  changed: boolean;
}

/** Provider status callbacks' writes to deliveries, under the notification lock every status change takes. */
@Injectable()
export class ProviderStatusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * In one statement, with the lock order of `DeliveryRepository.finish`: the delivery found (by id or by the
   * provider's message id, its index), its notification locked, the siblings read as last committed, the
   * delivery moved when its status allows, and the notification's status derived again.
   */
  async record(ref: ProviderMessageRef, outcome: ProviderOutcome): Promise<ProviderStatusResult> {
    const byId = 'deliveryId' in ref;
    const [row] = await this.dataSource.query<ResultRow[]>(
      `WITH target AS (
         SELECT id, notification_id FROM deliveries
         WHERE ${byId ? 'id = $1::uuid' : 'provider_message_id = $1'} AND channel = $2
         ORDER BY id DESC LIMIT 1
       ), notification AS (
         SELECT n.id FROM notifications n JOIN target t ON n.id = t.notification_id FOR UPDATE OF n
       ), siblings AS (
         SELECT d.id, d.status FROM deliveries d JOIN notification n ON n.id = d.notification_id FOR SHARE OF d
       ), changed AS (
         UPDATE deliveries d SET status = $3, error = COALESCE($4, d.error), updated_at = now()
         FROM siblings s, target t
         WHERE d.id = t.id AND s.id = d.id AND s.status = ANY($5::text[])
         RETURNING d.id
       ), after AS (
         SELECT CASE WHEN s.id IN (SELECT id FROM changed) THEN $3::text ELSE s.status END AS status FROM siblings s
       ), derived AS (
         UPDATE notifications n SET status = x.status, updated_at = now()
         FROM (${derivedStatusSql('after')}) x, notification l
         WHERE n.id = l.id AND x.status IS NOT NULL AND n.status <> x.status AND EXISTS (SELECT 1 FROM changed)
       )
       SELECT t.id AS delivery_id, EXISTS (SELECT 1 FROM changed) AS changed,
         CASE WHEN EXISTS (SELECT 1 FROM changed) THEN $3::text ELSE s.status END AS status
       FROM target t LEFT JOIN siblings s ON s.id = t.id`,
      [
        byId ? ref.deliveryId : ref.providerMessageId,
        ref.channel,
        outcome.status,
        outcome.status === 'failed' ? outcome.error : null,
        MOVES_FROM[outcome.status],
      ],
    );
    if (!row?.delivery_id) return { found: false };
    return { found: true, deliveryId: row.delivery_id, changed: row.changed, status: row.status! };
  }
}
