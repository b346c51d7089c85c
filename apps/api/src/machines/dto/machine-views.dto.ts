import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CLOCK_UNITS, type ClockUnit } from '#domain';

// The answer of GET /machines/{kind}/versions/{version}: a machine version's definition, as the console draws it.

export const MACHINE_KINDS = ['dispute', 'petition', 'referral'] as const;
export type MachineKind = (typeof MACHINE_KINDS)[number];

const STATE_TYPES = ['atomic', 'compound', 'final'] as const;

@ApiSchema({ name: 'MachineClock', description: 'The clock a state declares, with its default limit.' })
export class MachineClockDto {
  @ApiProperty({ example: 'dispute.intake', description: 'The clock key (GET /deadline-policies).' })
  key!: string;

  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'The default limit, in `unit`; a deadline policy may set another for a deployment.',
  })
  limit!: number;

  @ApiProperty({ enum: CLOCK_UNITS, example: 'working_days' })
  unit!: ClockUnit;
}

@ApiSchema({ name: 'MachineState', description: 'A state of the machine, in document order, parents first.' })
export class MachineStateDto {
  @ApiProperty({ example: 'mediation.assigned', description: 'Dotted path from the root, as cases record states.' })
  path!: string;

  @ApiProperty({ example: 'assigned', description: 'The last segment of the path.' })
  key!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'mediation',
    description: 'The path of the compound state (stage) it is in; null for a top-level state.',
  })
  parent!: string | null;

  @ApiProperty({ enum: STATE_TYPES, description: 'compound: a stage holding other states; final: the end.' })
  type!: (typeof STATE_TYPES)[number];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'mediation.assigned',
    description: 'A compound state: the path of the child entered first; null otherwise.',
  })
  initial!: string | null;

  @ApiProperty({
    type: MachineClockDto,
    nullable: true,
    description: 'The clock armed while the machine is in this state; null when it declares none.',
  })
  clock!: MachineClockDto | null;
}

@ApiSchema({
  name: 'MachineTransition',
  description:
    'A transition as declared. One declared on a compound state applies in every state inside it that has none of ' +
    'its own for the event; where several share a source and event, the first whose guard passes is taken.',
})
export class MachineTransitionDto {
  @ApiProperty({ example: 'mediation.assigned', description: 'The path of the state that declares it.' })
  source!: string;

  @ApiProperty({
    example: 'START_SESSION',
    description: 'The event; `(on entry)` for one taken as soon as its source is entered and its guard passes.',
  })
  event!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'notExtended',
    description: 'The guard as written (`a and b`, `deadlineIs(dispute.intake)`); null when there is none.',
  })
  guard!: string | null;

  @ApiProperty({
    type: [String],
    example: ['mediation.in_session'],
    description: 'Target state paths; empty when the machine stays where it is (the event is only recorded).',
  })
  targets!: string[];
}

@ApiSchema({ name: 'Machine', description: 'A machine version’s definition: its states and transitions.' })
export class MachineViewDto {
  @ApiProperty({ enum: MACHINE_KINDS })
  kind!: MachineKind;

  @ApiProperty({ type: 'integer', example: 2 })
  version!: number;

  @ApiProperty({
    description: 'Frozen: cases run on it unchanged for as long as they last. A version not released may change.',
  })
  released!: boolean;

  @ApiProperty({ type: [MachineStateDto], description: 'Every state but the root, depth first in document order.' })
  states!: MachineStateDto[];

  @ApiProperty({ type: [MachineTransitionDto] })
  transitions!: MachineTransitionDto[];
}
