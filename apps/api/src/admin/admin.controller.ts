import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '#auth';
import { type Principal } from '#domain';
import { DepartmentsService, UnitsService } from '#directory';
import { CreateDepartmentDto, CreateUnitDto, DepartmentsQuery, UnitsQuery } from './dto/admin.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class AdminController {
  constructor(
    private readonly units: UnitsService,
    private readonly departments: DepartmentsService,
  ) {}

  @Post('units')
  @HttpCode(201)
  @Roles('admin')
  createUnit(@Body() body: CreateUnitDto, @CurrentPrincipal() admin: Principal) {
    return this.units.create(body, admin);
  }

  @Get('units')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  listUnits(@Query() query: UnitsQuery) {
    return this.units.list(query);
  }

  /** Departments are deployment-wide: only an admin of every unit creates them. */
  @Post('departments')
  @HttpCode(201)
  @Roles('admin')
  createDepartment(@Body() body: CreateDepartmentDto, @CurrentPrincipal() admin: Principal) {
    return this.departments.create(body, admin);
  }

  @Get('departments')
  @Roles('admin', 'intake', 'mediator', 'department', 'auditor')
  async listDepartments(@Query() query: DepartmentsQuery, @CurrentPrincipal() principal: Principal) {
    const page = await this.departments.list(query);
    // Where a department's system listens is configuration only the admins who manage departments need.
    if (principal.role !== 'admin' || principal.scope !== null)
      page.items = page.items.map((d) => ({ ...d, webhookUrl: null }));
    return page;
  }
}
