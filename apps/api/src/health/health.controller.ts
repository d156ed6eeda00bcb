import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService, Readiness } from '@herald/core';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes.decorator';
import { LivenessDto, ReadinessDto } from '../dto/health-responses.dto';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 only when PostgreSQL is down: without it nothing can be accepted. Queues lost in Redis are reconciled. */
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto, description: 'PostgreSQL answers' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'PostgreSQL does not answer' })
  async ready(
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<{ status: 'ok' | 'unavailable'; checks: Readiness['checks'] }> {
    const { ready, checks } = await this.health.readiness();
    res.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', checks };
  }
}
