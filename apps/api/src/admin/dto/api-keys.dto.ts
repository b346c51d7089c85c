import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ROLES, type Role } from '#domain';
import { IsInstant, Optional, PageQuery, codeRule } from '../../common/dto.js';

export class CreateApiKeyDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ description: 'Who holds the key, e.g. "Zhang Wei, Xinhua community mediation".', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    description:
      'The unit whose subtree the key may see; omitted = every unit. An admin scoped to a unit must give a unit of its subtree. ' +
      'A department key with a unit sees only the referrals of cases owned in that subtree.',
  })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ description: 'Required for, and only for, the department role.' })
  @Optional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the key stops working: an instant with an offset, in the future, at most 5 years ahead. Omitted = never.',
  })
  @Optional()
  @IsInstant()
  expiresAt?: string;
}

export class ListApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @Optional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @Optional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'Keys of this unit and the units below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({
    description: 'true: only revoked keys; false: only keys not revoked (expired ones included).',
  })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  revoked?: boolean;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1440,
    default: 0,
    description: 'Minutes the old key keeps working, so an integration can switch over; 0 revokes it at once.',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(1440)
  overlapMinutes?: number;
}
