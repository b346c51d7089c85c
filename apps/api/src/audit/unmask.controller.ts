import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PartyUnmasking } from '#audit';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { type Principal } from '#domain';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { requireUuid } from '../common/ids.js';
import { UnmaskedDto } from './dto/audit-views.dto.js';
import { UnmaskDto } from './dto/unmask.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/cases')
export class UnmaskController {
  constructor(
    private readonly unmasking: PartyUnmasking,
    private readonly securityLog: SecurityLog,
  ) {}

  /**
   * The case's parties with their PII in clear, for an auditor (or admin) who gives a reason. A read, though a
   * POST: the reason is a body, and the request is recorded in the audit access log before it is answered.
   * A replay with the same Idempotency-Key returns the first answer, stored encrypted.
   */
  @Post(':id/unmask')
  @HttpCode(200)
  @Roles('auditor', 'admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'unmaskCaseParties',
    summary: 'Disclose a case’s parties',
    description:
      'The case’s parties with their PII in clear, for a reason that is recorded in the audit access log in the ' +
      'same transaction, before the answer goes out. A read, though a POST. Auditor and admin keys, within their ' +
      'unit scope (404 otherwise).',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: UnmaskedDto })
  @ApiProblems(400, 401, 403, 404, 413, 415, 422, 503)
  async unmask(
    @Param('id') id: string,
    @Body() body: UnmaskDto,
    @CurrentPrincipal() principal: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const caseId = requireUuid(id, `Case ${id}`);
    const unmasked = await this.unmasking.unmask(caseId, body.reason.trim(), principal);
    await this.securityLog.recordCaseReads(principal, [caseId], 'audit.unmask', origin);
    return unmasked;
  }
}
