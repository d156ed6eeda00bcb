import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsService } from '@herald/core';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes.decorator';

/**
 * Prometheus scrape endpoint. Public like /health (scrapers carry no API key);
 * it tells counts and timings, never payloads or secrets. Keep it off the
 * public internet as you would /health/ready.
 */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(@Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const body = await this.metrics.scrape();
    res.header('Content-Type', this.metrics.contentType);
    return body;
  }
}
