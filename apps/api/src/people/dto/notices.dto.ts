import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsUUID } from 'class-validator';
import { PERSON_TOPICS } from '#domain';
import { Optional, PageQuery } from '../../common/dto.js';

export class NoticesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: only the notices not yet read.' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class MarkNoticesReadDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 200,
    description: 'These notices. An id that is not one of your notices changes nothing.',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'Every notice you have.' })
  @Optional()
  @Equals(true)
  all?: true;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'This notice and every one listed after it (raised before it): "read up to here" in the list.',
  })
  @Optional()
  @IsUUID()
  upTo?: string;
}

@ApiSchema({
  name: 'Notice',
  description:
    'A notice in a person’s inbox about a case (and one of its referrals): ids, a topic and the engine’s detail, ' +
    'never party data.',
})
export class NoticeDto {
  @ApiProperty({ format: 'uuid', description: 'Also the `id` of its event on the stream (`Last-Event-ID`).' })
  id!: string;

  @ApiProperty({
    enum: PERSON_TOPICS,
    description:
      'assigned, unassigned, claimed_by_another (a hand-over), taken_in_charge (领导包案), deadline_warning, ' +
      'referral_returned, or a notice to the case owner that reached the people working the case (催办 ' +
      'referral_urged, 督办 supervised, deadline_breached, …).',
  })
  topic!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ example: 'XC-2026-000123' })
  caseReference!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The referral it is about, if any.' })
  referralId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What the engine added: the key of a clock, a note.',
  })
  detail!: string | null;

  @ApiProperty({ type: 'integer', description: 'The case event (history `seq`) that raised it.' })
  seq!: number;

  @ApiProperty({ format: 'date-time', description: 'When it reached the inbox.' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was marked read.' })
  readAt!: string | null;
}

@ApiSchema({ name: 'NoticePage', description: 'One page of a person’s notices, newest first, and the unread count.' })
export class NoticePageDto {
  @ApiProperty({ type: [NoticeDto] })
  items!: NoticeDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor!: string | null;

  @ApiProperty({ type: 'integer', description: 'How many of the person’s notices are unread (all, not this page).' })
  unread!: number;
}

@ApiSchema({ name: 'NoticesRead' })
export class NoticesReadDto {
  @ApiProperty({ type: 'integer', description: 'Notices this marked read (those already read are not counted).' })
  marked!: number;

  @ApiProperty({ type: 'integer', description: 'How many are left unread.' })
  unread!: number;
}
