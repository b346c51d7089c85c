import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { PublicProgress } from '#cases';
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

  @ApiProperty({ description: 'Archived and sealed (archive.closed), not merely in follow-up.' })
  closed!: boolean;
}
