import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { DEPARTMENT_FUNCTIONS, UNIT_LEVELS, type DepartmentFunction, type UnitLevel } from '#domain';
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
