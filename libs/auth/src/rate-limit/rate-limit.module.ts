import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { HeraldConfig, usesRedis } from '@herald/core';
import { DataSource } from 'typeorm';
import { PostgresRateLimitStore } from './postgres-rate-limit.store';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiter } from './rate-limiter.service';
import { RedisRateLimitStore } from './redis-rate-limit.store';

/** Counters in Redis or a Redis Cluster when Herald has one (every instance shares it), in PostgreSQL otherwise. */
export function createRateLimitStore(config: HeraldConfig, dataSource: DataSource): RateLimitStore {
  return usesRedis(config.redis) ? new RedisRateLimitStore(config.redis) : new PostgresRateLimitStore(dataSource);
}

/** RATE_LIMIT_PER_MINUTE per API key (API.md §2: 429 with Retry-After), and per recipient for inbox tokens. */
@Module({
  providers: [
    { provide: RateLimitStore, inject: [HeraldConfig, getDataSourceToken()], useFactory: createRateLimitStore },
    RateLimiter,
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
