import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { DeliveryEntity } from './delivery.entity';

export type AttemptOutcome = 'ok' | 'transient_error' | 'permanent_error';

@Entity('delivery_attempts')
export class DeliveryAttemptEntity {
  @PrimaryColumn('uuid', { name: 'delivery_id' }) deliveryId!: string;
  @PrimaryColumn('integer') attempt!: number;
  // The parent by entity name, so this file only imports its type: delivery.entity.ts imports this one.
  @ManyToOne('DeliveryEntity', (delivery: DeliveryEntity) => delivery.attemptLog)
  @JoinColumn({ name: 'delivery_id' })
  delivery!: DeliveryEntity;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('text', { nullable: true }) outcome!: AttemptOutcome | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId!: string | null;
  /** The provider it went to (`smtp:host:port`, `twilio`, `vonage`); null for channels without named providers. */
  @Column('text', { nullable: true }) provider!: string | null;
}
