import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestOrigin, Roles, UsersService, type ClientOrigin } from '#auth';
import { type Principal } from '#domain';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { requireUuid } from '../common/ids.js';
import {
  CreateUserDto,
  CreatedUserDto,
  ListUsersQuery,
  OneTimePasswordDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
} from './dto/people.dto.js';

/**
 * Staff accounts, managed by admins within their subtree: an admin scoped to a unit creates, reads and changes
 * only accounts of its subtree (any other is a 404), and never a deployment-wide one. Passwords are never shown;
 * a one-time password is, once.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'createUser',
    summary: 'Create a staff account',
    description:
      'A person with one or more roles, in a unit (or a department, for department staff). Without a password, a ' +
      'one-time password is made and shown in this answer only; it must be changed at the first sign-in; with ' +
      '`passwordless`, none is, and the person signs in through single sign-on only. Admins, ' +
      'within their subtree (403 outside it). Refuses a taken username (409), an unknown unit or department, a ' +
      'password against the policy, and roles that do not fit the placement (422). Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiProblems(400, 401, 403, [409, 'The username is taken.'], 413, 415, 422, 503)
  create(@Body() body: CreateUserDto, @CurrentPrincipal() admin: Principal, @RequestOrigin() origin: ClientOrigin) {
    return this.users.create(body, admin, origin);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'List staff accounts',
    description: 'The accounts of the admin’s subtree, newest first, filtered by unit subtree, role and disabled.',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems(400, 401, 403, 404, 503)
  list(@Query() query: ListUsersQuery, @CurrentPrincipal() admin: Principal) {
    return this.users.list(query, admin);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({
    operationId: 'getUser',
    summary: 'Read a staff account',
    description: 'Admins, within their subtree.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(401, 403, 404, 503)
  get(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    return this.users.get(requireUuid(id, `User ${id}`), admin);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change a staff account',
    description:
      'Name, phone, roles, disabled. Changing roles or disabling ends the person’s sessions. An admin cannot ' +
      'disable its own account or change its own roles (403). Recorded in the security log.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 401, 403, 404, 413, 415, 422, 503)
  update(
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    return this.users.update(requireUuid(id, `User ${id}`), body, admin, origin);
  }

  @Post(':id/password-reset')
  @HttpCode(201)
  @Roles('admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'resetUserPassword',
    summary: 'Reset a staff account’s password',
    description:
      'A new one-time password, shown in this answer only; the person’s sessions end and it must change the ' +
      'password at its next sign-in. Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: OneTimePasswordDto })
  @ApiProblems(400, 401, 403, 404, 413, 415, 422, 503)
  resetPassword(@Param('id') id: string, @CurrentPrincipal() admin: Principal, @RequestOrigin() origin: ClientOrigin) {
    return this.users.resetPassword(requireUuid(id, `User ${id}`), admin, origin);
  }
}
