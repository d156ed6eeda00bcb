import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';
import type { Channel, DeliveryAddress } from '@herald/core';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import type { NotificationEntity } from './notification.entity';

export const DELIVERY_STATUSES = [
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'notification_id' }) notificationId!: string;
  // The parent by entity name, so this file only imports its type: notification.entity.ts imports this one.
  @ManyToOne('NotificationEntity', (notification: NotificationEntity) => notification.deliveries)
  @JoinColumn({ name: 'notification_id' })
  notification!: NotificationEntity;
  @Column('text') channel!: Channel;
  @Column('text') status!: DeliveryStatus;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('jsonb', { nullable: true }) address!: DeliveryAddress | null;
  @Column('jsonb', { nullable: true }) content!: unknown;
  @Column('boolean') captured!: boolean;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId!: string | null;
  /** The provider of its last attempt that ended it (the one `providerMessageId` belongs to). */
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('integer') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @OneToMany(() => DeliveryAttemptEntity, (attempt) => attempt.delivery) attemptLog!: DeliveryAttemptEntity[];
}
