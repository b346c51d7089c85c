import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, Roles } from '#auth';
import { actorOf, type Principal } from '#domain';
import { ReferralQueries } from '#cases';
import { CaseEngine } from '#engine';
import { PiiCipher } from '#parties';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { requireUuid } from '../common/ids.js';
import { ListReferralsQuery, ReferralEventDto } from './dto/referrals.dto.js';

/** Departments read their own referrals; case readers read those of cases in their scope. */
const READERS = ['department', 'admin', 'auditor', 'intake', 'mediator'] as const;

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
  ) {}

  /** The inbox, newest first; filters `status`, `overdue`, `caseId`. */
  @Get()
  @Roles(...READERS)
  async list(@Query() query: ListReferralsQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.referrals.list(query, principal);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'referrals.list',
      caseId: query.caseId,
      detail: filtersOf(query, this.cipher),
    });
    return page;
  }

  @Get(':id')
  @Roles(...READERS)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const referral = await this.referrals.get(requireUuid(id, `Referral ${id}`), principal);
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
