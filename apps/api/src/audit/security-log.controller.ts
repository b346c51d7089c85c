import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '#audit';
import { CurrentPrincipal, Roles, SecurityLog } from '#auth';
import { type Principal } from '#domain';
import { ApiProblems } from '../common/api-docs.js';
import { SecurityLogPage } from './dto/audit-views.dto.js';
import { SecurityLogQuery } from './dto/security-log.dto.js';

/**
 * The security log: every creation, revocation and rotation of an API key, with who, from where and when.
 * Auditors and admins read it, a unit-scoped reader the entries of its subtree; each read is itself recorded in
 * the audit access log before its answer goes out.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/security-log')
export class SecurityLogController {
  constructor(
    private readonly securityLog: SecurityLog,
    private readonly accessLog: AccessLog,
  ) {}

  /** Newest first; filters `action`, `actorId`, `from`, `to`; cursor-paginated. */
  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({
    operationId: 'listSecurityLog',
    summary: 'Read the security log',
    description:
      'Every creation, revocation and rotation of an API key, newest first, with who, from where and when; ' +
      'filtered by action, actor and time. Auditor and admin keys; a key scoped to a unit reads the entries of its ' +
      'subtree. Recorded in the access log.',
  })
  @ApiOkResponse({ type: SecurityLogPage })
  @ApiProblems(400, 401, 403, 503)
  async list(@Query() query: SecurityLogQuery, @CurrentPrincipal() principal: Principal) {
    const { cursor, limit, ...filter } = query;
    const page = await this.securityLog.list(
      { ...filter, actorId: filter.actorId?.toLowerCase(), cursor, limit },
      principal,
    );
    const given = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    await this.accessLog.record(principal, {
      action: 'audit.security_log',
      detail: { ...given, limit, ...(cursor ? { cursor } : {}) },
    });
    return page;
  }
}
