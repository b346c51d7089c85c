import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, CurrentPrincipal, RequestOrigin, Roles, type ClientOrigin } from '#auth';
import { type Principal } from '#domain';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { requireUuid } from '../common/ids.js';
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
  create(@Body() body: CreateApiKeyDto, @CurrentPrincipal() admin: Principal, @RequestOrigin() origin: ClientOrigin) {
    return this.keys.create(body, admin, origin);
  }

  /** The keys of the admin's subtree, newest first: never the secret or its hash. */
  @Get()
  @Roles('admin')
  list(@Query() query: ListApiKeysQuery, @CurrentPrincipal() admin: Principal) {
    return this.keys.list(query, admin);
  }

  /** Revokes the key: refused from the next request on, by every API process. Revoking it again changes nothing. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
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
  rotate(
    @Param('id') id: string,
    @Body() body: RotateApiKeyDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    return this.keys.rotate(requireUuid(id, `API key ${id}`), body.overlapMinutes ?? 0, admin, origin);
  }
}
