import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PROGRESS_STATUSES, type ProgressStatus, type PublicProgress } from '#cases';
import { CASE_KINDS, STAGES } from '#domain';

@ApiSchema({ name: 'StageEntry' })
export class StageEntryDto {
  @ApiProperty({ enum: STAGES })
  stage!: string;

  @ApiProperty({ format: 'date-time' })
  enteredAt!: string;
}

@ApiSchema({
  name: 'PublicProgress',
  description: 'Where a case stands and since when: nothing else (no party, summary, unit or actor).',
})
export class PublicProgressDto implements PublicProgress {
  @ApiProperty({ example: 'PET-2026-000042' })
  reference!: string;

  @ApiProperty({ enum: CASE_KINDS })
  kind!: string;

  @ApiProperty({ enum: STAGES, description: 'The current stage.' })
  stage!: string;

  @ApiProperty({
    type: [StageEntryDto],
    description: 'Each time the case entered a stage, oldest first; a stage entered again is listed again.',
  })
  stages!: StageEntryDto[];

  @ApiProperty({ format: 'date-time' })
  registeredAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({
    enum: PROGRESS_STATUSES,
    description:
      '办理中 (in_progress); 办结 (concluded: the answer is given, the case is in follow-up); 归档 (closed: archived ' +
      'and sealed). A reopened case is in progress again.',
  })
  status!: ProgressStatus;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the case was last concluded (entered the archive stage); null while it is in progress.',
  })
  concludedAt!: string | null;

  @ApiProperty({ description: 'Archived and sealed (archive.closed), not merely concluded.' })
  closed!: boolean;
}
