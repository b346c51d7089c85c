import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog, AuditEvents, PointInTime, type AuditEventFilter } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { type Principal, toInstant } from '#domain';
import { Clock } from '#clock';
import { ApiProblems } from '../common/api-docs.js';
import { requireUuid } from '../common/ids.js';
import { AuditEventPage, RebuiltCaseDto } from './dto/audit-views.dto.js';
import { AuditEventsQuery, AuditExportQuery, CaseStateQuery } from './dto/audit.dto.js';

const AUDITORS = ['auditor', 'admin'] as const;

const CONTENT_TYPES = { jsonl: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/**
 * The auditor's reads of the event log: a case rebuilt at an instant, the filtered event query and the
 * streamed export. Each read is recorded in the access log before its answer starts; a refused one (not found,
 * a bad cursor) records nothing, like every other refused request.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly pointInTime: PointInTime,
    private readonly events: AuditEvents,
    private readonly clock: Clock,
    private readonly accessLog: AccessLog,
    private readonly securityLog: SecurityLog,
  ) {}

  /** The case as it stood at `asOf` (default: now), rebuilt by replaying its events. */
  @Get('cases/:id/state')
  @Roles(...AUDITORS)
  @ApiOperation({
    operationId: 'getCaseStateAsOf',
    summary: 'Rebuild a case at an instant',
    description:
      'The case as it stood at `asOf` (default: now), rebuilt by replaying its events alone, with whether the ' +
      'result matches what is stored and where a replay diverges from the log. Auditor and admin keys, within their ' +
      'unit scope (404 otherwise, and for an instant before the case existed). Recorded in the access log.',
  })
  @ApiOkResponse({ type: RebuiltCaseDto })
  @ApiProblems(400, 401, 403, 404, [409, 'The event log cannot be replayed (`seq` names the event).'], 503)
  async state(
    @Param('id') id: string,
    @Query() query: CaseStateQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const caseId = requireUuid(id, `Case ${id}`);
    const asOf = query.asOf ? toInstant(query.asOf) : this.clock.now();
    const state = await this.pointInTime.rebuild(caseId, asOf, principal);
    await this.accessLog.record(principal, { action: 'audit.state', caseId, detail: { asOf: asOf.toISOString() } });
    await this.securityLog.recordCaseReads(principal, [caseId], 'audit.state', origin);
    return state;
  }

  /** Events across cases, oldest first, by (at, caseId, seq); cursor-paginated. */
  @Get('events')
  @Roles(...AUDITORS)
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'Query the event log',
    description:
      'Events across cases, oldest first by (at, caseId, seq), filtered by case, actor, type, department, unit and ' +
      'time. Auditor and admin keys, over the cases within their unit scope. Recorded in the access log.',
  })
  @ApiOkResponse({ type: AuditEventPage })
  @ApiProblems(400, 401, 403, 503)
  async list(
    @Query() query: AuditEventsQuery,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const { cursor, limit, ...filter } = query;
    const page = await this.events.list({ ...filter, cursor, limit }, principal);
    // A confidential case's events read here are recorded like any other read of it (the log picks those out).
    const cases = [...new Set(page.items.map((e) => e.caseId))];
    await this.securityLog.recordCaseReads(principal, cases, 'audit.events', origin);
    await this.accessLog.record(principal, {
      action: 'audit.events',
      caseId: filter.caseId,
      detail: { ...defined(filter), limit, ...(cursor ? { cursor } : {}) },
    });
    return page;
  }

  /**
   * Every matching event, streamed as JSON Lines (default) or CSV. Without `to`, the export ends at the instant
   * of the request, so it covers a fixed span while events keep arriving.
   */
  @Get('export')
  @Roles(...AUDITORS)
  @ApiOperation({
    operationId: 'exportAuditEvents',
    summary: 'Export the event log',
    description:
      'Every matching event, streamed as an attachment: JSON Lines (one AuditEvent a line, the default) or CSV. ' +
      'Without `to` the export ends at the instant of the request. Auditor and admin keys, over the cases within ' +
      'their unit scope. Recorded in the access log, with the `reason` when one is given, before the stream starts.',
  })
  @ApiOkResponse({
    description: 'The events, one a line (JSON Lines: each an AuditEvent) or one a record (CSV with a header).',
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'JSON Lines: one AuditEvent a line.' } },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV, with a header line.' } },
    },
  })
  @ApiProblems(400, 401, 403, 503)
  async export(@Query() query: AuditExportQuery, @CurrentPrincipal() principal: Principal) {
    const { format, reason, ...filter } = query;
    const until = this.clock.now();
    const stream = this.events.export(filter, format, principal, until);
    await this.accessLog.record(principal, {
      action: 'audit.export',
      caseId: filter.caseId,
      detail: {
        ...defined(filter),
        format,
        ...(filter.to ? {} : { until: until.toISOString() }),
        ...(reason ? { reason } : {}),
      },
    });
    return new StreamableFile(stream, {
      type: CONTENT_TYPES[format],
      disposition: `attachment; filename="concord-events-${until.toISOString().replace(/[:.]/g, '-')}.${format}"`,
    });
  }
}

/** The filters that were given, for the access log. */
const defined = (filter: AuditEventFilter): Record<string, string> =>
  Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<string, string>;
