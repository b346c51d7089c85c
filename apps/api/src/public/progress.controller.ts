import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';
import { PublicProgressQueries } from '#cases';
import { ApiProblems } from '../common/api-docs.js';
import { problem } from '../common/problem.js';
import { PublicProgressDto } from './dto/progress.dto.js';
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
  @ApiParam({
    name: 'queryCode',
    description: 'The query code (查询码) given to the applicant; case, spaces, hyphens, O/0 and I/L/1 do not matter.',
    schema: { type: 'string', example: 'K7M2-QX9D-TR4B' },
  })
  @ApiOperation({
    operationId: 'getPublicProgress',
    summary: 'Follow a case by its query code',
    description:
      'The reference, kind, stage and the dates the case entered each stage (阳光信访), without a key and without ' +
      'any PII, summary, unit or actor. Any code that finds nothing, well formed or not, gets the same 404. ' +
      'Rate-limited per client address, shared by every API process.',
  })
  @ApiOkResponse({
    type: PublicProgressDto,
    headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
  })
  @ApiProblems([404, 'No case has this query code.'], 429, 503)
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
