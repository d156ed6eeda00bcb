import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PushSubscriptionType } from '@herald/core';

/** One browser (Web Push) or device (FCM) a recipient receives push notifications on. */
@Entity('push_subscriptions')
export class PushSubscriptionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'recipient_id' }) recipientId!: string;
  @Column('text') type!: PushSubscriptionType;
  @Column('text', { nullable: true }) endpoint!: string | null;
  @Column('text', { nullable: true }) p256dh!: string | null;
  @Column('text', { nullable: true }) auth!: string | null;
  @Column('text', { nullable: true }) token!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
