import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { actorOf, type Principal } from '#domain';
import { CaseQueries } from '#cases';
import { CaseEngine } from '#engine';
import { PiiCipher } from '#parties';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { PageQuery } from '../common/dto.js';
import { requireUuid } from '../common/ids.js';
import { CASE_EVENTS } from '../event-schemas.js';
import { CasePage, CaseViewDto, HistoryPage } from './dto/case-views.dto.js';
import { CreateCaseDto, ListCasesQuery, SendEventDto } from './dto/cases.dto.js';

const READERS = ['admin', 'intake', 'mediator', 'grid_worker', 'leader', 'auditor'] as const;
/** Who registers cases: grid workers register what their grid reports (网格上报). */
const REGISTRARS = ['admin', 'intake', 'mediator', 'grid_worker'] as const;
/** Who sends events; a leader only those that name the leader (TAKE_CHARGE, ASSIGN, UNASSIGN, RECUSE). */
const WORKERS = ['admin', 'intake', 'mediator', 'grid_worker', 'leader'] as const;

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueries,
    private readonly accessLog: AccessLog,
    private readonly cipher: PiiCipher,
    private readonly securityLog: SecurityLog,
  ) {}

  /** Registers a case; it starts in `intake.registered`. */
  @Post()
  @HttpCode(201)
  @Roles(...REGISTRARS)
  @ApiOperation({
    operationId: 'createCase',
    summary: 'Register a case',
    description:
      'Registers a dispute or a petition with its parties; it starts in `intake.registered` on the latest machine ' +
      'version of its kind, with its intake clock running. For admin, intake and mediator keys; a key scoped to a ' +
      'unit registers cases of units within its subtree only (403 otherwise). Party PII is stored encrypted. ' +
      'Refuses an unknown unit or invalid fields (422).',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: CaseViewDto, description: 'The new case.' })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  async create(@Body() body: CreateCaseDto, @CurrentPrincipal() principal: Principal) {
    const { case: record } = await this.engine.open({ ...body, actor: actorOf(principal), scope: principal.scope });
    return this.cases.view(record, principal);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'listCases',
    summary: 'List cases',
    description:
      'The cases within the key’s unit scope, newest first, filtered by kind, stage, state, unit (and the units ' +
      'below it), category, risk, overdue clocks, text in the reference or summary, and registration time. For ' +
      'admin, intake, mediator and auditor keys; an auditor’s read is recorded in the access log (free text only as ' +
      'a digest). A confidential case (an accusation, 信访工作条例 art. 30) is listed to admin and auditor keys only, ' +
      'and its listing is recorded in the security log. A bad filter or cursor is a 400.',
  })
  @ApiOkResponse({ type: CasePage })
  @ApiProblems(400, 401, 403, 503)
  async list(
    @Query() query: ListCasesQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const page = await this.cases.list(query, principal);
    const confidential = page.items.filter((c) => c.confidential).map((c) => c.id);
    await this.securityLog.recordCaseReads(principal, confidential, 'cases.list', origin);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'cases.list',
      detail: filtersOf(query, this.cipher, ['q']),
    });
    return page;
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'getCase',
    summary: 'Read a case',
    description:
      'The case with its allowed events, clocks, referrals, links and parties. For admin, intake, mediator and ' +
      'auditor keys, within their unit scope (a case outside it is a 404). Party PII is in clear for admin, intake ' +
      'and mediator keys, masked for auditors (who unmask with POST /audit/cases/{id}/unmask); an auditor’s read ' +
      'is recorded in the access log. A confidential case (an accusation, 信访工作条例 art. 30) is found by admin and ' +
      'auditor keys only (404 for the others), and every read of it is recorded in the security log.',
  })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(401, 403, 404, 503)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @RequestOrigin() origin: ClientOrigin) {
    const view = await this.cases.get(requireUuid(id, `Case ${id}`), principal);
    if (view.confidential) await this.securityLog.recordCaseReads(principal, [view.id], 'cases.read', origin);
    await this.audited(principal, 'cases.read', view.id);
    return view;
  }

  /** Sends an event into the case's machine: 200 with the new case, 409 if not allowed now, 422 if the payload is bad. */
  @Post(':id/events')
  @HttpCode(200)
  @Roles(...WORKERS)
  @ApiOperation({
    operationId: 'sendCaseEvent',
    summary: 'Send an event to a case',
    description:
      'Moves the case through its machine: one transition, written with its event, hash and effects in one ' +
      'transaction. The body’s `type` picks the event; its `payload` schema is `<kind>.v<machineVersion>.<type>` ' +
      'for the case’s kind and machine version (each `CaseEvent.<type>` lists those that take it). For admin, ' +
      'intake and mediator keys, on cases within their unit scope (404 otherwise). Refuses an event the state does ' +
      'not take, one a rule refuses, or a stale `expectedVersion` (409, with `allowedEvents`), an event only ' +
      'Concord sends (403), and a bad payload (422); a refused event writes nothing. `MIGRATE_MACHINE` moves an ' +
      'open case to the next version of its machine: admin keys only, 409 with the reason where no mapping exists.',
  })
  @ApiIdempotencyKey()
  @ApiBody({ schema: CASE_EVENTS.body })
  @ApiOkResponse({ type: CaseViewDto, description: 'The case after the transition.' })
  @ApiProblems(
    400,
    401,
    [
      403,
      'The key’s role may not send events, the event is sent by Concord only (system_event_only), or a key other ' +
        'than an admin’s sent MIGRATE_MACHINE (forbidden).',
    ],
    404,
    [
      409,
      'The event is not allowed in the current state (event_not_allowed), a rule refused it (rule_violated), ' +
        'the case is no longer at `expectedVersion` (version_conflict), or MIGRATE_MACHINE has no mapping for ' +
        'the case (conflict, with the reason).',
    ],
    413,
    415,
    422,
    503,
  )
  async send(@Param('id') id: string, @Body() body: SendEventDto, @CurrentPrincipal() principal: Principal) {
    const { case: record } = await this.engine.send({
      caseId: requireUuid(id, `Case ${id}`),
      type: body.type,
      payload: body.payload,
      expectedVersion: body.expectedVersion,
      actor: actorOf(principal),
      // A person holding several of the route's roles sends each event in the first of them that may send it.
      roles: principal.session && WORKERS.filter((r) => principal.session!.roles.includes(r)),
      scope: principal.scope,
    });
    return this.cases.view(record, principal);
  }

  /** Every event of the case, oldest first, with its hash chain. */
  @Get(':id/history')
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'listCaseHistory',
    summary: 'Read a case’s history',
    description:
      'Every event of the case, oldest first, with its actor, time, sequence number and hash chain ' +
      '(`prevHash`, `hash`), its referrals’ events included. For admin, intake, mediator and auditor keys, within ' +
      'their unit scope (404 otherwise); an auditor’s read is recorded in the access log. A confidential case is found ' +
      'by admin and auditor keys only, and every read of it is recorded in the security log.',
  })
  @ApiOkResponse({ type: HistoryPage })
  @ApiProblems(400, 401, 403, 404, 503)
  async history(
    @Param('id') id: string,
    @Query() page: PageQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const history = await this.cases.history(requireUuid(id, `Case ${id}`), principal, page);
    await this.securityLog.recordCaseReads(principal, [id], 'cases.history', origin);
    await this.audited(principal, 'cases.history', id, { cursor: page.cursor ?? null });
    return history;
  }

  private audited(principal: Principal, action: string, caseId: string, detail: Record<string, unknown> = {}) {
    return recordAuditorRead(this.accessLog, principal, { action, caseId, detail });
  }
}
