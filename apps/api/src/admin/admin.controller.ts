import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestOrigin, Roles, SecurityLog, type ClientOrigin } from '#auth';
import { DomainError, type Principal } from '#domain';
import { DepartmentsService, UnitsService, type DepartmentChange, type UnitChange } from '#directory';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { SensitiveResponse } from '../common/idempotency.interceptor.js';
import { DepartmentDto, DepartmentPage, UnitDto, UnitPage, UpdatedDepartmentDto } from './dto/admin-views.dto.js';
import {
  CreateDepartmentDto,
  CreateUnitDto,
  DepartmentsQuery,
  SetDepartmentFunctionDto,
  UnitsQuery,
  UpdateDepartmentDto,
  UpdateUnitDto,
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

  /** Renames or retires a unit; recorded in the security log with the old and new name. */
  @Patch('units/:code')
  @Roles('admin')
  @ApiOperation({
    operationId: 'updateUnit',
    summary: 'Rename or retire a unit',
    description:
      '`name` renames the unit; `retired: true` retires it: from then on it takes no new case and no new child unit ' +
      '(422), and it stays readable with its closed cases. A unit with a case not yet archive.closed, or with a ' +
      'child unit not retired, is not retired (409, with `openCases` and `activeChildUnits`). Admin keys; an admin ' +
      'scoped to a unit changes the units of its subtree only (404 for any other) and does not retire its own ' +
      'scope’s root (403). An empty body, an unknown field or an empty name is a 422 and changes nothing. A change ' +
      'is recorded in the security log (`unit.updated`); a request that changes nothing records nothing.',
  })
  @ApiOkResponse({ type: UnitDto })
  @ApiProblems(400, 401, 403, 404, [409, 'The unit has open cases or child units in service.'], 413, 415, 422, 503)
  updateUnit(
    @Param('code') code: string,
    @Body() body: UpdateUnitDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    requireChange(body);
    return this.units.update(code, body, admin, (change, unit) =>
      this.securityLog.record(
        admin,
        {
          action: 'unit.updated',
          subject: { type: 'unit', id: unit.code },
          unitCode: unit.code,
          detail: unitDetail(change),
        },
        origin,
      ),
    );
  }

  @Get('units')
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'department', 'auditor')
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

  /** Changes a department; a rotated secret is in this answer only. Recorded in the security log, never a secret. */
  @Patch('departments/:code')
  @Roles('admin')
  @SensitiveResponse()
  @ApiOperation({
    operationId: 'updateDepartment',
    summary: 'Change a department',
    description:
      '`name` renames it. `categories` replaces its responsibility list: referrals made from then on are checked ' +
      'against the new list, and referrals already issued run on whatever was removed. `webhookUrl` points its ' +
      'webhook elsewhere, by the egress rules of creation (422 otherwise). `rotateSecret: {overlapHours?}` draws a ' +
      'new webhook secret, shown in this answer only (`webhookSecret`); for `overlapHours` (0 to 168, default 24) ' +
      'the previous secret signs every delivery next to it (`X-Concord-Signature: sha256=<new>,sha256=<old>`), ' +
      'until `previousSecretValidUntil`. Rotating again within that window keeps the secret from before it and ' +
      'replaces the new one. Not idempotent: a rotation sent twice rotates twice. Admin keys without a unit scope ' +
      'only (403 otherwise). An unknown department is a 404; an empty body, an unknown field, an empty name or an ' +
      'overlap out of range a 422, and nothing changes. A change is recorded in the security log ' +
      '(`department.updated`), with the old and new name and list, never a secret.',
  })
  @ApiOkResponse({ type: UpdatedDepartmentDto })
  @ApiProblems(400, 401, 403, 404, 413, 415, 422, 503)
  updateDepartment(
    @Param('code') code: string,
    @Body() body: UpdateDepartmentDto,
    @CurrentPrincipal() admin: Principal,
    @RequestOrigin() origin: ClientOrigin,
  ) {
    requireChange(body);
    return this.departments.update(code, body, admin, (change, department) =>
      this.securityLog.record(
        admin,
        {
          action: 'department.updated',
          subject: { type: 'department', id: department.code },
          unitCode: null,
          detail: departmentDetail(change),
        },
        origin,
      ),
    );
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
  @Roles('admin', 'intake', 'mediator', 'grid_worker', 'leader', 'department', 'auditor')
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

/** A PATCH must ask for something: an empty body is a mistake worth saying so. */
function requireChange(body: object): void {
  if (Object.values(body).every((value) => value === undefined))
    throw DomainError.validation([{ field: '', message: 'the body must name at least one field to change' }]);
}

/** The security log's facts of a unit change: the fields, the old and new name, the retirement instant. */
function unitDetail(change: UnitChange): Record<string, unknown> {
  return {
    fields: [...(change.name ? ['name'] : []), ...(change.retiredAt ? ['retired'] : [])],
    ...(change.name ? { name: change.name } : {}),
    ...(change.retiredAt ? { retiredAt: change.retiredAt.toISOString() } : {}),
  };
}

/** The security log's facts of a department change: old and new name and list; never the URL's value or a secret. */
function departmentDetail(change: DepartmentChange): Record<string, unknown> {
  const fields = [
    ...(change.name ? ['name'] : []),
    ...(change.categories ? ['categories'] : []),
    ...(change.webhookUrl ? ['webhookUrl'] : []),
    ...(change.secretRotated ? ['webhookSecret'] : []),
  ];
  return {
    fields,
    ...(change.name ? { name: change.name } : {}),
    ...(change.categories
      ? {
          categories: {
            ...change.categories,
            added: change.categories.new.filter((c) => !change.categories!.old.includes(c)),
            removed: change.categories.old.filter((c) => !change.categories!.new.includes(c)),
          },
        }
      : {}),
    ...(change.secretRotated
      ? {
          secretRotation: {
            overlapHours: change.secretRotated.overlapHours,
            previousSecretValidUntil: change.secretRotated.previousSecretValidUntil?.toISOString() ?? null,
          },
        }
      : {}),
  };
}
