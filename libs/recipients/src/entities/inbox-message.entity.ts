import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One in-app message in a recipient's inbox. */
@Entity('inbox_messages')
export class InboxMessageEntity {
  @PrimaryColumn('uuid') id!: string;
  /** The delivery that stored it: one message per delivery, so a retried delivery stores nothing more. */
  @Column('uuid', { name: 'delivery_id' }) deliveryId!: string;
  @Column('text', { name: 'recipient_id' }) recipientId!: string;
  @Column('uuid', { name: 'notification_id', nullable: true }) notificationId!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text') body!: string;
  @Column('text', { nullable: true }) url!: string | null;
  @Column('timestamptz', { name: 'read_at', nullable: true }) readAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
