import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, Roles } from '#auth';
import { type Principal } from '#domain';
import { KpiQueries, MAX_BUCKETS, SeriesQueries } from '#stats';
import { ApiProblems } from '../common/api-docs.js';
import { KpiReportDto } from './dto/kpi-views.dto.js';
import { KpisQuery, boundOf } from './dto/kpis.dto.js';
import { SeriesQuery, SeriesReportDto } from './dto/series.dto.js';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(
    private readonly kpis: KpiQueries,
    private readonly series: SeriesQueries,
    private readonly accessLog: AccessLog,
  ) {}

  /**
   * KPIs of the cases registered in [from, to) within the reader's scope (or `unitCode`'s subtree): received,
   * accepted, resolved, resolution, on-time, response (响应率), solve (解决率) and satisfaction (满意率) rates,
   * reopen rate, overdue now; by unit (rolled up the hierarchy), by category and by department (referrals).
   * Every definition is in libs/stats/src/kpis.ts. The read is recorded in the audit access log.
   */
  @Get('kpis')
  @Roles('auditor', 'admin', 'leader')
  @ApiOperation({
    operationId: 'getKpis',
    summary: 'Key performance indicators',
    description:
      'Received, accepted, resolved; resolution, on-time, response (响应率), solve (解决率), satisfaction (满意率) ' +
      'and reopen rates; overdue now. Over the cases registered in [from, to) within the key’s scope (or ' +
      '`unitCode`’s subtree, which must lie in it: 404 otherwise), by unit (rolled up the hierarchy), category and ' +
      'department. Auditors, admins and leaders. Recorded in the access log. An empty period (`from` not before `to`) is a 400.',
  })
  @ApiOkResponse({ type: KpiReportDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(@Query() query: KpisQuery, @CurrentPrincipal() principal: Principal) {
    const report = await this.kpis.report(
      { unitCode: query.unitCode, from: boundOf(query.from), to: boundOf(query.to) },
      principal,
    );
    await this.accessLog.record(principal, {
      action: 'stats.kpis',
      detail: { unitCode: report.unitCode, from: report.from, to: report.to },
    });
    return report;
  }

  /**
   * The KPIs over time: the population of GET /stats/kpis cut into China-time days, ISO weeks or months of
   * registration and into groups (the root's child units, category, channel or risk level). Every definition is
   * in libs/stats/src/series.ts and kpis.ts. Recorded in the audit access log.
   */
  @Get('series')
  @Roles('auditor', 'admin', 'leader')
  @ApiOperation({
    operationId: 'getKpiSeries',
    summary: 'KPIs over time',
    description:
      'The figures of GET /stats/kpis per bucket of registration time (`interval`: China-time day, ISO week or ' +
      'month) and per group (`by`: the subtree root’s direct child units, rolled up, or the case’s category, ' +
      'channel or risk level), over the cases registered in [from, to) within the reader’s scope (or `unitCode`’s ' +
      'subtree, which must lie in it: 404 otherwise). A bucket’s figures equal GET /stats/kpis with its start and ' +
      `end as from and to. \`from\` defaults to 30 days, 12 weeks or 12 months back; a period of more than ${MAX_BUCKETS} ` +
      'buckets, or an empty one, is a 400. Auditors, admins and leaders. Recorded in the access log.',
  })
  @ApiOkResponse({ type: SeriesReportDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async getSeries(@Query() query: SeriesQuery, @CurrentPrincipal() principal: Principal) {
    const report = await this.series.series(
      {
        by: query.by,
        interval: query.interval,
        unitCode: query.unitCode,
        from: boundOf(query.from),
        to: boundOf(query.to),
      },
      principal,
    );
    await this.accessLog.record(principal, {
      action: 'stats.series',
      detail: { unitCode: report.unitCode, by: report.by, interval: report.interval, from: report.from, to: report.to },
    });
    return report;
  }
}
