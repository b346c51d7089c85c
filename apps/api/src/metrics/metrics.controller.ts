import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';
import { Metrics } from '#metrics';
import { ApiProblems } from '../common/api-docs.js';

/** Prometheus metrics at `/metrics`, outside the `/api/v1` prefix where scrapers look. Public like health: no PII. */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Public()
  @ApiProduces('text/plain')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description:
      'Every metric of this API process in the Prometheus text format, at `/metrics` outside the `/api/v1` ' +
      'prefix where scrapers look. Public, like health: no PII.',
  })
  @ApiOkResponse({ description: 'The Prometheus text exposition format.', schema: { type: 'string' } })
  @ApiProblems()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { contentType, body } = await this.metrics.scrape();
    reply.header('content-type', contentType);
    return body;
  }
}
