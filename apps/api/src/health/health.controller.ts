import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { Public } from '../../../../libs/auth/src/index.js';
import { Database } from '../../../../libs/persistence/src/index.js';
import { REDIS } from '../../../../libs/queues/src/index.js';

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
  ) {}

  /** Readiness: 200 when PostgreSQL and Redis both answer, 503 otherwise. */
  @Get()
  @Public()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([check(() => this.db.query('SELECT 1')), check(() => this.redis.ping())]);
    const ok = postgres.ok && redis.ok;
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }
}
