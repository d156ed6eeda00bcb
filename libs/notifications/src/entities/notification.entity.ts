import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import type { Priority } from '@herald/core';
import { DeliveryEntity } from './delivery.entity';

export const NOTIFICATION_STATUSES = [
  'accepted',
  'scheduled',
  'processing',
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'api_key_id' }) apiKeyId!: string;
  @Column('text', { name: 'recipient_id', nullable: true }) recipientId!: string | null;
  @Column('text', { name: 'template_key', nullable: true }) templateKey!: string | null;
  @Column('integer', { name: 'template_version', nullable: true }) templateVersion!: number | null;
  @Column('text') status!: NotificationStatus;
  @Column('text') priority!: Priority;
  @Column('text', { nullable: true }) locale!: string | null;
  @Column('jsonb') data!: Record<string, unknown>;
  @Column('jsonb') recipient!: Record<string, unknown>;
  @Column('timestamptz', { name: 'send_at', nullable: true }) sendAt!: Date | null;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  /** The broadcast (send to a topic) that created it, if any. */
  @Column('uuid', { name: 'broadcast_id', nullable: true }) broadcastId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @OneToMany(() => DeliveryEntity, (delivery) => delivery.notification) deliveries!: DeliveryEntity[];
}
