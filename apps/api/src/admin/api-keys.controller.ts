import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeysService, CurrentPrincipal, RequestOrigin, Roles, type ClientOrigin } from '#auth';
import { type Principal } from '#domain';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { requireUuid } from '../common/ids.js';
import { ApiKeyPage, CreatedApiKeyDto, RotatedApiKeyDto } from './dto/admin-views.dto.js';
import { CreateApiKeyDto, ListApiKeysQuery, RotateApiKeyDto } from './dto/api-keys.dto.js';

/**
 * API keys, administered by admins within their subtree: an admin scoped to a unit sees, creates, rotates and
 * revokes only keys whose unit lies in its subtree; any other key is a 404. Secrets are shown once, never listed.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** Creates an API key; the key is in this answer only. */
  @Post()
  @HttpCode(201)
  @Roles('admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'A key with a role, optionally scoped to a unit (it then sees that unit and the units below it) and, for the ' +
      'department role, bound to a department. The secret is in this answer only. Admin keys; an admin scoped to a ' +
      'unit creates keys within its subtree only (403 otherwise). Refuses an unknown unit or department, a ' +
      'department code on another role (or none on a department key), and an expiry not in the next 5 years (422). ' +
      'Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  create(@Body() body: CreateApiKeyDto, @CurrentPrincipal() admin: Principal, @RequestOrigin() origin: ClientOrigin) {
    return this.keys.create(body, admin, origin);
  }

  /** The keys of the admin's subtree, newest first: never the secret or its hash. */
  @Get()
  @Roles('admin')
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: 'List API keys',
    description:
      'The keys of the admin’s subtree (every key, for an admin without a unit scope), newest first, filtered by ' +
      'role, department, unit and revocation; never a secret or its hash. Admin keys.',
  })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiProblems(400, 401, 403, 503)
  list(@Query() query: ListApiKeysQuery, @CurrentPrincipal() admin: Principal) {
    return this.keys.list(query, admin);
  }

  /** Revokes the key: refused from the next request on, by every API process. Revoking it again changes nothing. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'The key is refused from the next request on, by every API process; revoking it again changes nothing. ' +
      'Admin keys, for keys of their subtree (404 otherwise). Recorded in the security log.',
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems(401, 403, 404, 503)
  async revoke(
    @Param('id') id: string,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ): Promise<void> {
    await this.keys.revoke(requireUuid(id, `API key ${id}`), admin, origin);
  }

  /**
   * A new key with the same role, name, unit, department and expiry; the old one is revoked, or with
   * `overlapMinutes` expires that many minutes from now. The new key is in this answer only.
   */
  @Post(':id/rotate')
  @HttpCode(201)
  @Roles('admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description:
      'A new key with the same role, name, unit, department and expiry; the old one is revoked at once, or with ' +
      '`overlapMinutes` expires that many minutes from now. The new secret is in this answer only. Admin keys, for ' +
      'keys of their subtree (404 otherwise). Refuses a revoked or expired key (409). Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: RotatedApiKeyDto })
  @ApiProblems(400, 401, 403, 404, [409, 'The key is revoked or expired: create a new one.'], 413, 415, 422, 503)
  rotate(
    @Param('id') id: string,
    @Body() body: RotateApiKeyDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    return this.keys.rotate(requireUuid(id, `API key ${id}`), body.overlapMinutes ?? 0, admin, origin);
  }
}
