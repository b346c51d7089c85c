import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog, Anchors, ChainVerifier, type AnchorReport, type ChainReport } from '#audit';
import { CurrentPrincipal, Roles } from '#auth';
import { DomainError, type Principal } from '#domain';
import { Cursors } from '#persistence';
import { ApiProblems } from '../common/api-docs.js';
import { AnchorPage, VerifyReportDto } from './dto/audit-views.dto.js';
import { AnchorsQuery, VerifyQuery } from './dto/verify.dto.js';

const AUDITORS = ['auditor', 'admin'] as const;

/** The all-cases answer: the chains, and the daily anchors; `valid` only when both are intact. */
export type VerifyAllReport = ChainReport & { anchors: AnchorReport };

/**
 * Verification of the event log: every hash chain recomputed (one case, or all of them and the daily anchors),
 * and the anchors themselves for publishing. Each read is recorded in the access log before its answer goes out;
 * a refused one (not found, a bad cursor) records nothing.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class VerifyController {
  constructor(
    private readonly verifier: ChainVerifier,
    private readonly anchors: Anchors,
    private readonly accessLog: AccessLog,
    private readonly cursors: Cursors,
  ) {}

  /**
   * `?caseId=`: that case's chain, `{valid, checked, cases, brokenAt?}` (404 outside the reader's scope).
   * Without it: every case's chain and the daily anchors, `{…, anchors: {valid, checked, brokenDay?}}`; this
   * form needs a key without a unit scope, as a break may lie in any unit.
   */
  @Get('verify')
  @Roles(...AUDITORS)
  @ApiOperation({
    operationId: 'verifyEventLog',
    summary: 'Verify the hash chains',
    description:
      'Recomputes the hash chain of one case (`caseId`: 404 outside the key’s unit scope), or of every case and the ' +
      'daily anchors; `valid` only when everything is intact, `brokenAt` the first event that is not. Auditor and ' +
      'admin keys; every case needs a key without a unit scope (403 otherwise). Recorded in the access log.',
  })
  @ApiOkResponse({ type: VerifyReportDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async verify(
    @Query() query: VerifyQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ChainReport | VerifyAllReport> {
    if (query.caseId) {
      const caseId = query.caseId.toLowerCase();
      const report = await this.verifier.verifyCase(caseId, { scope: principal.scope });
      await this.accessLog.record(principal, { action: 'audit.verify', caseId, detail: { caseId } });
      return report;
    }
    if (principal.scope !== null) {
      throw DomainError.forbidden(
        'Verifying every case needs a key without a unit scope; verify a case of your unit with ?caseId=.',
      );
    }
    await this.accessLog.record(principal, { action: 'audit.verify', detail: { all: true } });
    const [chains, anchors] = await Promise.all([this.verifier.verifyAll(), this.anchors.verifyAnchors()]);
    return {
      valid: chains.valid && anchors.valid,
      checked: chains.checked,
      cases: chains.cases,
      ...(chains.brokenAt ? { brokenAt: chains.brokenAt } : {}),
      anchors,
    };
  }

  /** The daily anchors, newest first: publish them where the database's operators cannot rewrite them. */
  @Get('anchors')
  @Roles(...AUDITORS)
  @ApiOperation({
    operationId: 'listAuditAnchors',
    summary: 'List the daily anchors',
    description:
      'One anchor a day, newest first: a digest of every chain’s head, chained to the day before. Publish them ' +
      'where the database’s operators cannot rewrite them. Auditor and admin keys. Recorded in the access log.',
  })
  @ApiOkResponse({ type: AnchorPage })
  @ApiProblems(400, 401, 403, 503)
  async list(@Query() query: AnchorsQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.anchors.list(query, this.cursors);
    await this.accessLog.record(principal, {
      action: 'audit.anchors',
      detail: { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    });
    return page;
  }
}
