import { Controller, Get, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { DUE_SOON_HOURS, QUEUE_COUNT_CAP, WorkQueueQueries } from '#cases';
import { type Principal } from '#domain';
import { PiiCipher } from '#parties';
import { ApiProblems } from '../common/api-docs.js';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { QueueCountsDto, QueueFiltersQuery, QueuePage, QueueQuery } from './dto/work-queue.dto.js';

/**
 * Every role a person may hold, department first: a person holding it works their department's referrals. For the
 * others the order is the case list's (admin, intake, mediator, auditor), so a person sees confidential cases here
 * exactly when the case list shows them; leaders and grid workers come after.
 */
const QUEUE_ROLES = ['department', 'admin', 'intake', 'mediator', 'auditor', 'leader', 'grid_worker'] as const;

const SCOPE =
  'Scope and confidentiality are the case list’s: the person’s unit subtree, a confidential case (an accusation) ' +
  'only for admins and auditors; department staff see their own department’s referrals (within their unit limit, ' +
  'when they have one), as the referral inbox does. Open cases only (not `archive.closed`); open referrals only ' +
  '(not replied, rejected, closed or cancelled). An API key is refused (403): a queue belongs to a signed-in person.';

/** A signed-in person's work queue: the views of their cases (or department's referrals), and each view's count. */
@ApiTags('people')
@ApiCookieAuth()
@Controller('me/queue')
export class WorkQueueController {
  constructor(
    private readonly queue: WorkQueueQueries,
    private readonly accessLog: AccessLog,
    private readonly cipher: PiiCipher,
    private readonly securityLog: SecurityLog,
  ) {}

  @Get()
  @Roles(...QUEUE_ROLES)
  @ApiOperation({
    operationId: 'listMyQueue',
    summary: 'My work queue',
    description:
      'One view of the signed-in person’s work: `mine` (assigned to me), `unassigned` (nobody’s, in my scope), ' +
      `\`due_soon\` (mine or in my charge, the next clock due within ${DUE_SOON_HOURS} hours), \`overdue\` (mine or ` +
      'in my charge, the next clock past due), `supervised` (督办, in my scope; for department staff, their ' +
      'department’s urged or supervised referrals), `in_charge` (领导包案: in my personal charge). For department ' +
      'staff the entries are their department’s referrals. Soonest next clock first (the earliest clock still running: ' +
      'a breached clock whose state was not left runs; a paused one does not), entries with none last, then by id. ' +
      `${SCOPE} Filters kind, stage, category and risk; a bad filter or cursor is a 400.`,
  })
  @ApiOkResponse({ type: QueuePage })
  @ApiProblems(400, 401, 403, 503)
  async list(@Query() query: QueueQuery, @CurrentPrincipal() person: Principal, @RequestOrigin() origin: ClientOrigin) {
    const page = await this.queue.list(
      {
        view: query.view,
        kind: query.kind,
        stage: query.stage,
        category: query.category,
        riskLevel: query.risk,
        unitCode: query.unitCode,
        cursor: query.cursor,
        limit: query.limit,
      },
      person,
    );
    // Only the confidential cases among them are recorded (the log picks them out).
    const cases = [...new Set(page.items.map((item) => item.caseId ?? item.id))];
    await this.securityLog.recordCaseReads(person, cases, 'queue.list', origin);
    await recordAuditorRead(this.accessLog, person, { action: 'queue.list', detail: filtersOf(query, this.cipher) });
    return page;
  }

  @Get('counts')
  @Roles(...QUEUE_ROLES)
  @ApiOperation({
    operationId: 'countMyQueue',
    summary: 'My work queue’s counts',
    description:
      `Every view’s count in one answer, for badges: each at most ${QUEUE_COUNT_CAP}, with \`capped\` when there are ` +
      `more (show "${QUEUE_COUNT_CAP}+"). The same filters as the queue apply. ${SCOPE}`,
  })
  @ApiOkResponse({ type: QueueCountsDto })
  @ApiProblems(400, 401, 403, 503)
  async counts(@Query() query: QueueFiltersQuery, @CurrentPrincipal() person: Principal) {
    const counts = await this.queue.counts(
      {
        kind: query.kind,
        stage: query.stage,
        category: query.category,
        riskLevel: query.risk,
        unitCode: query.unitCode,
      },
      person,
    );
    await recordAuditorRead(this.accessLog, person, { action: 'queue.counts', detail: filtersOf(query, this.cipher) });
    return counts;
  }
}
