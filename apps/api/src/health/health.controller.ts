import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { Public } from '#auth';
import { CalendarService, type CoverageWatch } from '#deadlines';
import { Database } from '#persistence';
import { REDIS } from '#queues';
import { ApiProblems } from '../common/api-docs.js';
import { HealthDto } from './dto/health.dto.js';

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function check(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly calendar: CalendarService,
  ) {}

  /**
   * Readiness: 200 when PostgreSQL and Redis both answer, 503 otherwise. `calendar` tells whether the current and
   * the next China year have a holiday schedule; a missing one is listed in `warnings` and does not make the
   * answer a 503: deadlines are still computed, counting only weekends as rest days in that year.
   */
  @Get()
  @Public()
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Readiness',
    description:
      'Whether PostgreSQL and Redis answer (200, or 503 when either does not), and whether the current and the ' +
      'next China year have a holiday schedule (a missing one is a warning, not a 503). Public: no key, no PII.',
  })
  @ApiOkResponse({ type: HealthDto, description: 'PostgreSQL and Redis answer.' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'PostgreSQL or Redis does not answer.' })
  @ApiProblems()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      check(() => this.redis.ping()),
    ]);
    const ok = postgres.ok && redis.ok;
    let calendar: CoverageWatch | null = null;
    if (postgres.ok) calendar = await this.calendar.watch().catch(() => null);
    reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: { postgres, redis },
      calendar: calendar && { years: calendar.years },
      warnings: calendar?.warnings ?? [],
    };
  }
}
