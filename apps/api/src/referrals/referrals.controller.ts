import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { actorOf, type Principal } from '#domain';
import { ReferralQueries } from '#cases';
import { CaseEngine } from '#engine';
import { PiiCipher } from '#parties';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { requireUuid } from '../common/ids.js';
import { REFERRAL_EVENTS } from '../event-schemas.js';
import { ReferralPage, ReferralViewDto } from './dto/referral-views.dto.js';
import { ListReferralsQuery, ReferralEventDto } from './dto/referrals.dto.js';

/** Departments read their own referrals; case readers read those of cases in their scope. */
const READERS = ['department', 'admin', 'auditor', 'intake', 'mediator', 'grid_worker', 'leader'] as const;

/**
 * The department side of a referral (街社吹哨、部门报到): its inbox, one referral, and its answers. A
 * department key sees and acts on its own referrals only, and, when it is scoped to a unit, only those of cases
 * owned within that subtree; any other is a 404.
 */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ReferralsController {
  constructor(
    private readonly engine: CaseEngine,
    private readonly referrals: ReferralQueries,
    private readonly accessLog: AccessLog,
    private readonly cipher: PiiCipher,
    private readonly securityLog: SecurityLog,
  ) {}

  /** The inbox, newest first; filters `status`, `overdue`, `caseId`. */
  @Get()
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'listReferrals',
    summary: 'List referrals (the department inbox)',
    description:
      'Newest first, filtered by state, overdue clock and case. A department key lists its own department’s ' +
      'referrals (of cases within its unit, when it has one); admin, auditor, intake and mediator keys list those ' +
      'of cases within their unit scope, those of a confidential case (an accusation) admin and auditor keys only. An ' +
      'auditor’s read is recorded in the access log, any read of a confidential case’s referral in the security ' +
      'log. A bad filter or cursor is a 400.',
  })
  @ApiOkResponse({ type: ReferralPage })
  @ApiProblems(400, 401, 403, 503)
  async list(
    @Query() query: ListReferralsQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const page = await this.referrals.list(query, principal);
    // Only the confidential cases among them are recorded (the log picks them out).
    const cases = [...new Set(page.items.map((r) => r.caseId))];
    await this.securityLog.recordCaseReads(principal, cases, 'referrals.list', origin);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'referrals.list',
      caseId: query.caseId,
      detail: filtersOf(query, this.cipher),
    });
    return page;
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'getReferral',
    summary: 'Read a referral',
    description:
      'What to do, by when, about which case, and what happened so far. A department key reads its own ' +
      'department’s referrals only (with the parties’ PII when the referral shares it, and the events it may send ' +
      'in `allowedEvents`); admin, auditor, intake and mediator keys read those of cases within their unit scope, ' +
      'those of a confidential case (an accusation) admin and auditor keys only. Any other referral is a 404. A read ' +
      'of a confidential case’s referral is recorded in the security log.',
  })
  @ApiOkResponse({ type: ReferralViewDto })
  @ApiProblems(401, 403, 404, 503)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @RequestOrigin() origin: ClientOrigin) {
    const referral = await this.referrals.get(requireUuid(id, `Referral ${id}`), principal);
    await this.securityLog.recordCaseReads(principal, [referral.caseId], 'referrals.read', origin);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'referrals.read',
      caseId: referral.caseId,
      detail: { referralId: referral.id },
    });
    return referral;
  }

  /** The department's answer: 200 with the referral, 409 if not allowed now, 422 if the payload is bad. */
  @Post(':id/events')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({
    operationId: 'sendReferralEvent',
    summary: 'Answer a referral',
    description:
      'The department’s answer (报到, accept or reject, progress, reply): one transition of the referral machine, ' +
      'written into the case’s chain with its effects; a reply or a rejection moves the case on. The body’s ' +
      '`type` picks the event; its payload schema is `referral.v<machineVersion>.<type>`. Department keys only, on ' +
      'their own department’s referrals (404 otherwise). Refuses an event the referral’s state does not take or a ' +
      'stale `expectedVersion` (409), an event only Concord sends (403), and a bad payload (422).',
  })
  @ApiIdempotencyKey()
  @ApiBody({ schema: REFERRAL_EVENTS.body })
  @ApiOkResponse({ type: ReferralViewDto, description: 'The referral after the transition.' })
  @ApiProblems(
    400,
    401,
    [403, 'Not a department key, or the event is sent by Concord only (system_event_only).'],
    404,
    [409, 'The event is not allowed in the referral’s state, or it is no longer at `expectedVersion`.'],
    413,
    415,
    422,
    503,
  )
  async send(@Param('id') id: string, @Body() body: ReferralEventDto, @CurrentPrincipal() principal: Principal) {
    const { referralId } = await this.engine.act({
      referralId: requireUuid(id, `Referral ${id}`),
      type: body.type,
      payload: body.payload,
      expectedVersion: body.expectedVersion,
      actor: actorOf(principal),
      departmentCode: principal.departmentCode,
      scope: principal.scope,
    });
    // The answer shows what the event did even when it moved the case out of the key's scope (an unresolved
    // reply escalates it to the parent unit): the key acted within its scope; from the next request on, it no
    // longer sees the referral.
    return this.referrals.get(referralId, { ...principal, scope: null });
  }
}
