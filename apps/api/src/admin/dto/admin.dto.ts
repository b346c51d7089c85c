import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DEPARTMENT_FUNCTIONS, UNIT_LEVELS, type DepartmentFunction, type UnitLevel } from '#domain';
import { DEFAULT_SECRET_OVERLAP_HOURS, MAX_SECRET_OVERLAP_HOURS } from '#directory';
import { CODE, CODE_MESSAGE, Optional, PageQuery, codeRule } from '../../common/dto.js';

export class CreateUnitDto {
  @ApiProperty({ pattern: CODE.source })
  @codeRule()
  code!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: UNIT_LEVELS })
  @IsIn(UNIT_LEVELS)
  level!: UnitLevel;

  @ApiPropertyOptional({ description: 'Required below district level: the unit one level up.' })
  @Optional()
  @codeRule()
  parentCode?: string;
}

export class CreateDepartmentDto {
  @ApiProperty({ pattern: CODE.source })
  @codeRule()
  code!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    description: 'The responsibility list (权责清单): case categories the department accepts.',
    type: [String],
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(CODE, { each: true, message: `each category ${CODE_MESSAGE}` })
  categories!: string[];

  @ApiPropertyOptional({
    description:
      'Where referral events are POSTed (CloudEvents, signed): an http(s) URL without credentials (https in production) ' +
      'whose host is public, or in a private network CONCORD_WEBHOOK_ALLOW_PRIVATE lists; never loopback, link-local or ' +
      'a cloud metadata service.',
  })
  @Optional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  webhookUrl?: string;

  @ApiPropertyOptional({ description: 'HMAC-SHA256 key of the webhook signature; stored encrypted, never shown.' })
  @Optional()
  @IsString()
  @Length(16, 200)
  webhookSecret?: string;

  @ApiPropertyOptional({
    enum: DEPARTMENT_FUNCTIONS,
    description:
      'discipline_inspection marks the discipline-inspection and supervision body (纪检监察): the one department an ' +
      'accusation (检举控告类) is handed to (信访工作条例 art. 30). A deployment has at most one (409).',
  })
  @Optional()
  @IsIn(DEPARTMENT_FUNCTIONS)
  function?: DepartmentFunction;
}

export class UpdateUnitDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'The new name.' })
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'true retires the unit: it takes no new case or child unit from then on and stays readable with its closed ' +
      'cases. Refused (409, with the counts) while it has a case not yet archive.closed or a child unit in service. ' +
      'A retired unit is not brought back.',
  })
  @Optional()
  @Equals(true, { message: '$property can only be true: a retired unit is not brought back' })
  retired?: true;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_SECRET_OVERLAP_HOURS,
    default: DEFAULT_SECRET_OVERLAP_HOURS,
    description: 'Hours the previous secret keeps signing next to the new one; 0 stops it at once.',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_SECRET_OVERLAP_HOURS)
  overlapHours?: number;
}

export class UpdateDepartmentDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'The new name.' })
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    description:
      'The new responsibility list (权责清单), replacing the old: referrals made from then on are checked against ' +
      'it; referrals already issued run on.',
    type: [String],
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(CODE, { each: true, message: `each category ${CODE_MESSAGE}` })
  categories?: string[];

  @ApiPropertyOptional({
    description:
      'Where referral events are POSTed from now on, by the same rules as at creation. A department without a ' +
      'webhook secret needs `rotateSecret` with it, to have one made.',
  })
  @Optional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  webhookUrl?: string;

  @ApiPropertyOptional({
    type: RotateSecretDto,
    description:
      'Draws a new webhook secret, shown in this answer only. During the overlap window every delivery carries both ' +
      'signatures (`X-Concord-Signature: sha256=<new>,sha256=<old>`), then the new one alone.',
  })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => RotateSecretDto)
  rotateSecret?: RotateSecretDto;
}

export class SetDepartmentFunctionDto {
  @ApiProperty({
    enum: DEPARTMENT_FUNCTIONS,
    nullable: true,
    description:
      'discipline_inspection makes the department the discipline-inspection body (纪检监察) accusations go to; null ' +
      'unmarks it.',
  })
  @ValidateIf((_, value) => value !== null)
  @IsIn(DEPARTMENT_FUNCTIONS)
  function!: DepartmentFunction | null;
}

export class UnitsQuery extends PageQuery {
  @ApiPropertyOptional()
  @Optional()
  @codeRule()
  parentCode?: string;
}

export class DepartmentsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only departments whose responsibility list has this category.' })
  @Optional()
  @codeRule()
  category?: string;
}
