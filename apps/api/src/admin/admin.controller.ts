import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { type Principal } from '#domain';
import { DepartmentsService, UnitsService } from '#directory';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { DepartmentDto, DepartmentPage, UnitDto, UnitPage } from './dto/admin-views.dto.js';
import {
  CreateDepartmentDto,
  CreateUnitDto,
  DepartmentsQuery,
  SetDepartmentFunctionDto,
  UnitsQuery,
} from './dto/admin.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class AdminController {
  constructor(
    private readonly units: UnitsService,
    private readonly departments: DepartmentsService,
    private readonly securityLog: SecurityLog,
  ) {}

  @Post('units')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    operationId: 'createUnit',
    summary: 'Create a unit',
    description:
      'Adds a unit to the hierarchy 区/县 → 街道/乡镇 → 社区/村 → 网格: a district at the top, every other unit ' +
      'under a parent exactly one level up. Admin keys; an admin scoped to a unit creates units within its subtree ' +
      'only, and no district (403). Refuses a wrong or unknown parent (422) and a code already taken (409).',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: UnitDto })
  @ApiProblems(400, 401, 403, [409, 'A unit with this code exists.'], 413, 415, 422, 503)
  createUnit(@Body() body: CreateUnitDto, @CurrentPrincipal() admin: Principal) {
    return this.units.create(body, admin);
  }

  @Get('units')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  @ApiOperation({
    operationId: 'listUnits',
    summary: 'List units',
    description: 'Every unit of the deployment by code, or the children of `parentCode`. Any key.',
  })
  @ApiOkResponse({ type: UnitPage })
  @ApiProblems(400, 401, 503)
  listUnits(@Query() query: UnitsQuery) {
    return this.units.list(query);
  }

  /** Departments are deployment-wide: only an admin of every unit creates them. */
  @Post('departments')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    operationId: 'createDepartment',
    summary: 'Create a department',
    description:
      'Adds a department with its responsibility list (the categories it accepts) and, optionally, the webhook its ' +
      'referral events are POSTed to (CloudEvents, signed with the secret, which is stored encrypted and never ' +
      'shown). `function: discipline_inspection` marks the discipline-inspection body (纪检监察), the one department ' +
      'accusations are handed to; a deployment has at most one. Admin keys without a unit scope only (403 otherwise). ' +
      'Refuses a webhook URL Concord may not call (422), a code already taken and a second discipline-inspection ' +
      'body (409).',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiProblems(
    400,
    401,
    403,
    [409, 'A department with this code, or another discipline-inspection body, exists.'],
    413,
    415,
    422,
    503,
  )
  createDepartment(@Body() body: CreateDepartmentDto, @CurrentPrincipal() admin: Principal) {
    return this.departments.create(body, admin);
  }

  /** Who receives accusations is a matter of access: the change is recorded in the security log. */
  @Put('departments/:code/function')
  @Roles('admin')
  @ApiOperation({
    operationId: 'setDepartmentFunction',
    summary: 'Mark a department as the discipline-inspection body',
    description:
      'Makes an existing department the discipline-inspection body (纪检监察), the one department accusations are ' +
      'handed to (信访工作条例 art. 30), or unmarks it (`function: null`); accusations accepted from then on go to ' +
      'it. Admin keys without a unit scope only (403 otherwise). An unknown department is a 404, another department ' +
      'already marked a 409. Recorded in the security log.',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(400, 401, 403, 404, [409, 'Another department is the discipline-inspection body.'], 413, 415, 422, 503)
  async setDepartmentFunction(
    @Param('code') code: string,
    @Body() body: SetDepartmentFunctionDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    const department = await this.departments.setFunction(code, body.function, admin);
    await this.securityLog.record(
      admin,
      {
        action: 'department.function_set',
        subject: { type: 'department', id: department.code },
        unitCode: null,
        detail: { function: department.function },
      },
      origin,
    );
    return department;
  }

  @Get('departments')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  @ApiOperation({
    operationId: 'listDepartments',
    summary: 'List departments',
    description:
      'Every department by code, or those whose responsibility list has `category`. Any key; `webhookUrl` is ' +
      'shown to admins without a unit scope only (null for everyone else).',
  })
  @ApiOkResponse({ type: DepartmentPage })
  @ApiProblems(400, 401, 503)
  async listDepartments(@Query() query: DepartmentsQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.departments.list(query);
    // Where a department's system listens is configuration only the admins who manage departments need.
    if (principal.role !== 'admin' || principal.scope !== null)
      page.items = page.items.map((d) => ({ ...d, webhookUrl: null }));
    return page;
  }
}
