import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { DomainError, type Principal } from '#domain';
import { CalendarService, DeadlineQueries, isSupportedYear, PoliciesService } from '#deadlines';
import { PiiCipher } from '#parties';
import { ApiProblems } from '../common/api-docs.js';
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
import {
  CalendarDaysDto,
  CalendarYearsDto,
  DeadlinePage,
  DeadlinePoliciesDto,
  DeadlinePolicyViewDto,
  StoredOverrideDto,
  YearImportedDto,
  YearViewDto,
} from './dto/deadline-views.dto.js';

/** The `:date` of an override: a date YYYY-MM-DD in the calendar's years (400 otherwise). */
const DATE_PARAM = {
  name: 'date',
  description: 'A date YYYY-MM-DD in the calendar’s years (400 otherwise).',
  schema: { type: 'string', format: 'date', example: '2026-10-08' },
} as const;

/** The `:year` of a year's schedule. */
const YEAR_PARAM = {
  name: 'year',
  description: 'A four-digit year.',
  schema: { type: 'string', example: '2027' },
} as const;

/** Who may change the calendar, for the descriptions of its writes. */
const CALENDAR_ADMINS = 'Admin keys without a unit scope only (403 otherwise): the calendar applies to every unit.';

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
    private readonly securityLog: SecurityLog,
  ) {}

  /** Open clocks of the cases in scope, soonest due first (breached and still open ones included). */
  @Get('deadlines')
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'auditor')
  @ApiOperation({
    operationId: 'listDeadlines',
    summary: 'List open clocks',
    description:
      'The open clocks (case and referral ones) of the cases within the key’s unit scope, soonest due first: those ' +
      'breached and still open, and those coming due; filtered by due time, status and unit. For admin, intake, ' +
      'mediator and auditor keys; an auditor’s read is recorded in the access log. The clocks of a confidential case ' +
      '(an accusation) show to admin and auditor keys only, and their listing is recorded in the security log.',
  })
  @ApiOkResponse({ type: DeadlinePage })
  @ApiProblems(400, 401, 403, 503)
  async list(
    @Query() query: DeadlinesQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const page = await this.deadlines.list(query, principal);
    // A clock of a confidential case shows its case: recorded like any read of it (the log picks those out).
    const cases = [...new Set(page.items.map((d) => d.caseId))];
    await this.securityLog.recordCaseReads(principal, cases, 'deadlines.list', origin);
    await recordAuditorRead(this.accessLog, principal, {
      action: 'deadlines.list',
      detail: filtersOf(query, this.cipher),
    });
    return page;
  }

  /** Each day of a range: working day or not, and why (official schedule, make-up day, override, weekend). */
  @Get('calendar')
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'department', 'auditor')
  @ApiOperation({
    operationId: 'listCalendarDays',
    summary: 'Read the working-day calendar',
    description:
      'Each day from `from` to `to` (at most 400 days): working day or not, and what decided it (official ' +
      'schedule, make-up working day, override, weekend). Any key. Refuses a range that ends before it starts or ' +
      'is too long (422).',
  })
  @ApiOkResponse({ type: CalendarDaysDto })
  @ApiProblems(400, 401, 422, 503)
  days(@Query() query: CalendarQuery) {
    return this.calendar.days(query.from, query.to);
  }

  @Get('calendar/overrides')
  @Roles('admin', 'auditor')
  @ApiOperation({
    operationId: 'listCalendarOverrides',
    summary: 'List calendar overrides',
    description:
      'This deployment’s corrections to the official schedule (e.g. a local flood day). Admin and auditor keys.',
  })
  @ApiOkResponse({ type: [StoredOverrideDto] })
  @ApiProblems(401, 403, 503)
  overrides() {
    return this.calendar.overrides();
  }

  @Put('calendar/overrides/:date')
  @Roles('admin')
  @ApiParam(DATE_PARAM)
  @ApiOperation({
    operationId: 'setCalendarOverride',
    summary: 'Set a calendar override',
    description:
      'Makes the date a rest day or a working day, whatever the schedule says; the pending clocks it moves are ' +
      `recomputed by the worker. ${CALENDAR_ADMINS}`,
  })
  @ApiOkResponse({ type: StoredOverrideDto })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  setOverride(@Param('date') date: string, @Body() body: CalendarOverrideDto, @CurrentPrincipal() admin: Principal) {
    return this.calendar.set(requirePathDate(date), body.kind, body.name, admin);
  }

  @Delete('calendar/overrides/:date')
  @HttpCode(204)
  @Roles('admin')
  @ApiParam(DATE_PARAM)
  @ApiOperation({
    operationId: 'removeCalendarOverride',
    summary: 'Remove a calendar override',
    description: `The date follows the schedule again; the clocks it moves are recomputed. ${CALENDAR_ADMINS}`,
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(400, 401, 403, [404, 'The date has no override.'], 503)
  async removeOverride(@Param('date') date: string, @CurrentPrincipal() admin: Principal) {
    await this.calendar.remove(requirePathDate(date), admin);
  }

  /** Every year from 2004 on: whether its holidays come from the shipped data, an import, or nowhere yet. */
  @Get('calendar/years')
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'department', 'auditor')
  @ApiOperation({
    operationId: 'listCalendarYears',
    summary: 'List the calendar’s years',
    description:
      'Every year from 2004 on: whether its holidays come from the shipped data, an import, or nowhere yet, with a ' +
      'warning while the current or the next year has none. Any key.',
  })
  @ApiOkResponse({ type: CalendarYearsDto })
  @ApiProblems(401, 503)
  years() {
    return this.calendar.years();
  }

  /** One year's schedule as Concord uses it, the overrides inside it, and every recorded change to it. */
  @Get('calendar/years/:year')
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'department', 'auditor')
  @ApiParam(YEAR_PARAM)
  @ApiOperation({
    operationId: 'getCalendarYear',
    summary: 'Read a year’s schedule',
    description:
      'The year’s holidays and make-up working days as Concord uses them, the overrides inside it, and every ' +
      'recorded change to it. Any key. A year the calendar does not support is a 404.',
  })
  @ApiOkResponse({ type: YearViewDto })
  @ApiProblems(401, 404, 503)
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
  @ApiParam(YEAR_PARAM)
  @ApiOperation({
    operationId: 'importCalendarYear',
    summary: 'Record a year’s schedule',
    description:
      'Records (or replaces) a year’s State Council schedule in one step: it replaces the shipped data of that ' +
      'year. Putting the schedule already there changes nothing. The pending clocks it moves are recomputed by the ' +
      `worker; the answer names the change. ${CALENDAR_ADMINS} Refuses an invalid schedule (422), one error per ` +
      'field.',
  })
  @ApiOkResponse({ type: YearImportedDto })
  @ApiProblems(400, 401, 403, [404, 'Not a four-digit year.'], 413, 415, 422, 503)
  importYear(@Param('year') year: string, @Body() body: CalendarYearDto, @CurrentPrincipal() admin: Principal) {
    return this.calendar.importYear(requireYear(year), body, admin);
  }

  /** The machines' default limits and the policies that override them within the reader's scope. */
  @Get('deadline-policies')
  @Roles('admin', 'auditor')
  @ApiOperation({
    operationId: 'listDeadlinePolicies',
    summary: 'List clock defaults and policies',
    description:
      'Every clock the machines declare, with its default limit and statutory floor, and the policies that ' +
      'override them within the key’s scope (those for every unit, for the units above it, and within it). Admin ' +
      'and auditor keys.',
  })
  @ApiOkResponse({ type: DeadlinePoliciesDto })
  @ApiProblems(401, 403, 503)
  async listPolicies(@CurrentPrincipal() principal: Principal) {
    return { defaults: this.policies.defaults(), policies: await this.policies.list(principal) };
  }

  @Put('deadline-policies')
  @Roles('admin')
  @ApiOperation({
    operationId: 'setDeadlinePolicy',
    summary: 'Set a deadline policy',
    description:
      'Overrides a clock’s limit for a category and/or a unit’s subtree (replacing the policy of the same key, ' +
      'category and unit); clocks armed from then on use it. Admin keys; an admin scoped to a unit sets policies ' +
      'within its subtree only (403 otherwise). Refuses an unknown clock key or unit, and a limit below the ' +
      'statutory one (422).',
  })
  @ApiOkResponse({ type: DeadlinePolicyViewDto })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  setPolicy(@Body() body: DeadlinePolicyDto, @CurrentPrincipal() admin: Principal) {
    return this.policies.set(body, admin);
  }

  @Delete('deadline-policies/:id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    operationId: 'removeDeadlinePolicy',
    summary: 'Remove a deadline policy',
    description:
      'The clock falls back to the next policy that applies, or its default, for clocks armed from then on. Admin ' +
      'keys; a policy outside a scoped admin’s subtree is a 404, one above it a 403.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(401, 403, 404, 503)
  async removePolicy(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    await this.policies.remove(requireUuid(id, `Policy ${id}`), admin);
  }
}
