import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '#auth';
import { DomainError, ErrorCode, type MachineWorkflow } from '#domain';
import { isReleased, machineModel, referralWorkflows, statesOf, workflows } from '#workflows';
import { ApiProblems } from '../common/api-docs.js';
import { MACHINE_KINDS, MachineViewDto, type MachineKind } from './dto/machine-views.dto.js';

/** Every role that reads cases or referrals: each may see the machine a case or referral it reads runs on. */
const READERS = ['admin', 'intake', 'mediator', 'grid_worker', 'leader', 'auditor', 'department'] as const;

/** A version in the path: a positive whole number without leading zeros (400 otherwise). */
const VERSION = /^[1-9][0-9]{0,5}$/;

function versionsOf(kind: string): Record<number, MachineWorkflow> | undefined {
  if (kind === 'referral') return referralWorkflows;
  return kind === 'dispute' || kind === 'petition' ? workflows[kind] : undefined;
}

/** The definition as the console draws it, from the model the documentation is generated from. */
export function machineView(kind: MachineKind, workflow: MachineWorkflow): MachineViewDto {
  const model = machineModel(workflow.machine);
  const parentOf = (path: string) => {
    const i = path.lastIndexOf('.');
    return i < 0 ? null : path.slice(0, i);
  };
  return {
    kind,
    version: workflow.version,
    released: isReleased(kind, workflow.version),
    states: statesOf(model.root)
      .slice(1)
      .map((s) => ({
        path: s.path,
        key: s.key,
        parent: parentOf(s.path),
        type: s.type,
        initial: s.initial,
        clock: s.clock && { key: s.clock.key, limit: s.clock.amount, unit: s.clock.unit },
      })),
    transitions: model.transitions.map((t) => ({
      source: t.source,
      event: t.event,
      guard: t.guard,
      targets: t.targets,
    })),
  };
}

@ApiTags('machines')
@ApiBearerAuth()
@Controller('machines')
export class MachinesController {
  /** A released version never changes, and one being built changes only with a deployment: built once each. */
  private readonly views = new Map<string, MachineViewDto>();

  @Get(':kind/versions/:version')
  @Roles(...READERS)
  @ApiParam({
    name: 'kind',
    description: 'The machine: a case kind, or the referral machine.',
    schema: { type: 'string', enum: [...MACHINE_KINDS] },
  })
  @ApiParam({
    name: 'version',
    description: 'The machine version, as a case or referral records it (`machineVersion`).',
    schema: { type: 'integer', minimum: 1, example: 2 },
  })
  @ApiOperation({
    operationId: 'getMachine',
    summary: 'Read a machine version’s definition',
    description:
      'The states (nested, with the clock each declares and its default limit) and the transitions (event, guard, ' +
      'targets) of one version of the dispute, petition or referral machine: what a case or referral recorded on ' +
      'that version runs on, for drawing it as a state diagram. Any key that reads cases or referrals. A kind or ' +
      'version Concord does not have is a 404; a version that is not a positive whole number is a 400.',
  })
  @ApiOkResponse({ type: MachineViewDto })
  @ApiProblems(400, 401, 403, [404, 'No such machine, or no such version of it.'], 503)
  get(@Param('kind') kind: string, @Param('version') version: string): MachineViewDto {
    if (!VERSION.test(version))
      throw new DomainError(ErrorCode.MalformedRequest, 'The path has an invalid parameter.', {}, [
        { field: 'version', message: 'must be a positive whole number' },
      ]);
    const workflow = versionsOf(kind)?.[Number(version)];
    if (!workflow) throw DomainError.notFound(`Machine ${kind} version ${version}`);
    const id = `${kind}/${version}`;
    let view = this.views.get(id);
    if (!view) {
      view = machineView(kind as MachineKind, workflow);
      this.views.set(id, view);
    }
    return view;
  }
}
