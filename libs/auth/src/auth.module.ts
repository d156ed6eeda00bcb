import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { AuthService } from './auth.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { RateLimitModule } from './rate-limit/rate-limit.module';

/** API keys and the per-key rate limit; the api app puts AuthService behind its guards. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), RateLimitModule],
  providers: [ApiKeyRepository, ApiKeyService, AuthService],
  exports: [ApiKeyService, AuthService],
})
export class AuthModule {}
