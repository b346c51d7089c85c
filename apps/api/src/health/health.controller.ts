import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';
import { CalendarService, type CoverageWatch } from '#deadlines';
import { Readiness } from '#observability';
import { ApiProblems } from '../common/api-docs.js';
import { HealthDto, LivenessDto } from './dto/health.dto.js';

const READINESS =
  '200 when PostgreSQL and Redis answer, BullMQ answers and no queue is paused, and the outbox relay keeps up ' +
  '(its oldest unrelayed row is younger than CONCORD_OUTBOX_STALL_SECONDS); 503 otherwise, with the failing check. ' +
  '`calendar` tells whether the current and the next China year have a holiday schedule; a missing one is listed in ' +
  '`warnings` and does not make the answer a 503: deadlines are still computed, counting only weekends as rest days ' +
  'in that year.';

/**
 * Probes for orchestrators: liveness (`/health/live`: the process answers; restart it when this fails) and
 * readiness (`/health/ready`, and `/health` as before: send it traffic only while this is 200).
 */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly calendar: CalendarService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'getHealth', summary: 'Readiness (the historical path)', description: READINESS })
  @ApiOkResponse({ type: HealthDto, description: 'Ready.' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Not ready: a check failed.' })
  @ApiProblems()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.ready(reply);
  }

  @Get('ready')
  @Public()
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness', description: READINESS })
  @ApiOkResponse({ type: HealthDto, description: 'Ready.' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Not ready: a check failed.' })
  @ApiProblems()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const { ok, checks } = await this.readiness.check();
    let calendar: CoverageWatch | null = null;
    if (checks.postgres.ok) calendar = await this.calendar.watch().catch(() => null);
    reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks,
      calendar: calendar && { years: calendar.years },
      warnings: calendar?.warnings ?? [],
    };
  }

  @Get('live')
  @Public()
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness',
    description:
      'Always 200 while the process serves HTTP: it checks no dependency (a database outage is not a reason to ' +
      'restart). Public: no key.',
  })
  @ApiOkResponse({ type: LivenessDto, description: 'The process answers.' })
  @ApiProblems()
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
