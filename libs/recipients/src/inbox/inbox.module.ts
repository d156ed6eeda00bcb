import { Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseRuntime, HeraldConfig } from '@herald/core';
import { DataSource } from 'typeorm';
import { InboxEvents } from './inbox-events';
import { InboxMessageEntity } from '../entities/inbox-message.entity';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';
import { PostgresInboxEvents } from './postgres-inbox-events';
import { RedisInboxEvents } from './redis-inbox-events';

/** Redis pub/sub when REDIS_URL is set (the instances share it already), PostgreSQL LISTEN/NOTIFY otherwise. */
export function createInboxEvents(
  config: HeraldConfig,
  database: DatabaseRuntime,
  dataSource: DataSource,
): InboxEvents {
  return config.redis.url
    ? new RedisInboxEvents(config.redis.url, config.redis.prefix)
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
