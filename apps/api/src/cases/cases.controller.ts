import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, Roles } from '#auth';
import { actorOf, type Principal } from '#domain';
import { CaseQueries } from '#cases';
import { CaseEngine } from '#engine';
import { PiiCipher } from '#parties';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { PageQuery } from '../common/dto.js';
import { requireUuid } from '../common/ids.js';
import { CreateCaseDto, ListCasesQuery, SendEventDto } from './dto/cases.dto.js';

const READERS = ['admin', 'intake', 'mediator', 'auditor'] as const;
const WORKERS = ['admin', 'intake', 'mediator'] as const;

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueries,
    private readonly accessLog: AccessLog,
    private readonly cipher: PiiCipher,
  ) {}

  /** Registers a case; it starts in `intake.registered`. */
  @Post()
  @HttpCode(201)
  @Roles(...WORKERS)
  async create(@Body() body: CreateCaseDto, @CurrentPrincipal() principal: Principal) {
    const { case: record } = await this.engine.open({ ...body, actor: actorOf(principal), scope: principal.scope });
    return this.cases.view(record, principal);
  }

  @Get()
  @Roles(...READERS)
  async list(@Query() query: ListCasesQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.cases.list(query, principal);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'cases.list',
      detail: filtersOf(query, this.cipher, ['q']),
    });
    return page;
  }

  @Get(':id')
  @Roles(...READERS)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const view = await this.cases.get(requireUuid(id, `Case ${id}`), principal);
    await this.audited(principal, 'cases.read', view.id);
    return view;
  }

  /** Sends an event into the case's machine: 200 with the new case, 409 if not allowed now, 422 if the payload is bad. */
  @Post(':id/events')
  @HttpCode(200)
  @Roles(...WORKERS)
  async send(@Param('id') id: string, @Body() body: SendEventDto, @CurrentPrincipal() principal: Principal) {
    const { case: record } = await this.engine.send({
      caseId: requireUuid(id, `Case ${id}`),
      type: body.type,
      payload: body.payload,
      expectedVersion: body.expectedVersion,
      actor: actorOf(principal),
      scope: principal.scope,
    });
    return this.cases.view(record, principal);
  }

  /** Every event of the case, oldest first, with its hash chain. */
  @Get(':id/history')
  @Roles(...READERS)
  async history(@Param('id') id: string, @Query() page: PageQuery, @CurrentPrincipal() principal: Principal) {
    const history = await this.cases.history(requireUuid(id, `Case ${id}`), principal, page);
    await this.audited(principal, 'cases.history', id, { cursor: page.cursor ?? null });
    return history;
  }

  private audited(principal: Principal, action: string, caseId: string, detail: Record<string, unknown> = {}) {
    return recordAuditorRead(this.accessLog, principal, { action, caseId, detail });
  }
}
