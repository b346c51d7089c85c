import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';
import { PublicProgressQueries } from '#cases';
import { problem } from '../common/problem.js';
import { PublicRateLimitGuard } from './rate-limit.guard.js';

/**
 * One answer for every code that finds nothing, whether unknown or not even well formed: the same bytes (no
 * `instance` echoing the code), so the answer tells a guesser nothing about the code space.
 */
const NOT_FOUND = JSON.stringify(problem(404, 'not_found', 'No case has this query code.'));

/** 阳光信访: an applicant follows their case with its query code, without a key and without seeing any PII. */
@ApiTags('public')
@Controller('public/progress')
@UseGuards(PublicRateLimitGuard)
export class ProgressController {
  constructor(private readonly progress: PublicProgressQueries) {}

  /** Reference, kind, stage and the dates the case entered each stage; 404 for any code that finds nothing. Rate-limited per IP. */
  @Get(':queryCode')
  @Public()
  get(@Param('queryCode') queryCode: string, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(queryCode, reply);
  }

  /**
   * What the route above cannot take — a "code" with a slash, or longer than Fastify's 100-character parameter
   * limit (a 414 otherwise) — gets the same answer, through the same lookup.
   */
  @Get('*')
  @Public()
  @ApiExcludeEndpoint()
  rest(@Param('*') rest: string | string[], @Res() reply: FastifyReply): Promise<void> {
    return this.answer(Array.isArray(rest) ? rest.join('/') : String(rest), reply);
  }

  private async answer(queryCode: string, reply: FastifyReply): Promise<void> {
    const found = await this.progress.find(queryCode);
    // Sent here, not thrown: the problem filter would add an `instance` that echoes the code.
    reply.header('Cache-Control', 'no-store');
    if (found) reply.status(200).send(found);
    else reply.status(404).header('Content-Type', 'application/problem+json; charset=utf-8').send(NOT_FOUND);
  }
}
