import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, Roles } from '#auth';
import { DomainError, type Principal } from '#domain';
import { CalendarService, DeadlineQueries, isSupportedYear, PoliciesService } from '#deadlines';
import { PiiCipher } from '#parties';
import { filtersOf, recordAuditorRead } from '../common/audited-read.js';
import { requirePathDate } from '../common/dto.js';
import { requireUuid } from '../common/ids.js';
import {
  CalendarOverrideDto,
  CalendarQuery,
  CalendarYearDto,
  DeadlinePolicyDto,
  DeadlinesQuery,
} from './dto/deadlines.dto.js';

/** The `:date` of an override: a date YYYY-MM-DD in the calendar's years (400 otherwise). */
const DATE_PARAM = { name: 'date', schema: { type: 'string', format: 'date', example: '2026-10-08' } } as const;

/** A four-digit year; whether the calendar supports it is the service's to say. */
const requireYear = (year: string) => {
  if (!/^\d{4}$/.test(year)) throw DomainError.notFound(`Year ${year}`);
  return Number(year);
};

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller()
export class DeadlinesController {
  constructor(
    private readonly deadlines: DeadlineQueries,
    private readonly calendar: CalendarService,
    private readonly policies: PoliciesService,
    private readonly accessLog: AccessLog,
    private readonly cipher: PiiCipher,
  ) {}

  /** Open clocks of the cases in scope, soonest due first (breached and still open ones included). */
  @Get('deadlines')
  @Roles('admin', 'intake', 'mediator', 'auditor')
  async list(@Query() query: DeadlinesQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.deadlines.list(query, principal);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'deadlines.list',
      detail: filtersOf(query, this.cipher),
    });
    return page;
  }

  /** Each day of a range: working day or not, and why (official schedule, make-up day, override, weekend). */
  @Get('calendar')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  days(@Query() query: CalendarQuery) {
    return this.calendar.days(query.from, query.to);
  }

  @Get('calendar/overrides')
  @Roles('admin', 'auditor')
  overrides() {
    return this.calendar.overrides();
  }

  @Put('calendar/overrides/:date')
  @Roles('admin')
  @ApiParam(DATE_PARAM)
  setOverride(@Param('date') date: string, @Body() body: CalendarOverrideDto, @CurrentPrincipal() admin: Principal) {
    return this.calendar.set(requirePathDate(date), body.kind, body.name, admin);
  }

  @Delete('calendar/overrides/:date')
  @HttpCode(204)
  @Roles('admin')
  @ApiParam(DATE_PARAM)
  async removeOverride(@Param('date') date: string, @CurrentPrincipal() admin: Principal) {
    await this.calendar.remove(requirePathDate(date), admin);
  }

  /** Every year from 2004 on: whether its holidays come from the shipped data, an import, or nowhere yet. */
  @Get('calendar/years')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  years() {
    return this.calendar.years();
  }

  /** One year's schedule as Concord uses it, the overrides inside it, and every recorded change to it. */
  @Get('calendar/years/:year')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  year(@Param('year') year: string) {
    const y = requireYear(year);
    if (!isSupportedYear(y)) throw DomainError.notFound(`Year ${year}`);
    return this.calendar.year(y);
  }

  /**
   * Records a year's official schedule in one step (or replaces it). The pending clocks it moves are recomputed
   * by the worker; the answer names the change.
   */
  @Put('calendar/years/:year')
  @Roles('admin')
  importYear(@Param('year') year: string, @Body() body: CalendarYearDto, @CurrentPrincipal() admin: Principal) {
    return this.calendar.importYear(requireYear(year), body, admin);
  }

  /** The machines' default limits and the policies that override them within the reader's scope. */
  @Get('deadline-policies')
  @Roles('admin', 'auditor')
  async listPolicies(@CurrentPrincipal() principal: Principal) {
    return { defaults: this.policies.defaults(), policies: await this.policies.list(principal) };
  }

  @Put('deadline-policies')
  @Roles('admin')
  setPolicy(@Body() body: DeadlinePolicyDto, @CurrentPrincipal() admin: Principal) {
    return this.policies.set(body, admin);
  }

  @Delete('deadline-policies/:id')
  @HttpCode(204)
  @Roles('admin')
  async removePolicy(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    await this.policies.remove(requireUuid(id, `Policy ${id}`), admin);
  }
}
