import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseRuntime, HeraldConfig, usesRedis } from '@herald/core';
import { DataSource } from 'typeorm';
import { InboxEvents } from './inbox-events';
import { InboxMessageEntity } from '../entities/inbox-message.entity';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';
import { PostgresInboxEvents } from './postgres-inbox-events';
import { RedisInboxEvents } from './redis-inbox-events';

/** Redis pub/sub when Herald has Redis or a Redis Cluster (the instances share it), PostgreSQL LISTEN/NOTIFY otherwise. */
export function createInboxEvents(
  config: HeraldConfig,
  database: DatabaseRuntime,
  dataSource: DataSource,
): InboxEvents {
  return usesRedis(config.redis)
    ? new RedisInboxEvents(config.redis)
    : new PostgresInboxEvents(database.directUrl, dataSource);
}

/** The in-app inbox: stored messages, read state, and live events across instances. */
@Module({
  imports: [TypeOrmModule.forFeature([InboxMessageEntity])],
  providers: [
    InboxRepository,
    InboxService,
    {
      provide: InboxEvents,
      inject: [HeraldConfig, DatabaseRuntime, getDataSourceToken()],
      useFactory: createInboxEvents,
    },
  ],
  exports: [InboxService, InboxEvents],
})
export class InboxModule {}
