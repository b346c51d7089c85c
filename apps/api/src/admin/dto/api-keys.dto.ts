import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ROLES, type Role } from '../../../../../libs/domain/src/index.js';
import { PageQuery, codeRule } from '../../common/dto.js';

/** An instant: an ISO 8601 date-time with its offset, so it does not depend on the server's time zone. */
const instant = () => (target: object, property: string) => {
  IsISO8601({ strict: true })(target, property);
  Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: '$property must be an ISO 8601 date-time with an offset, e.g. 2027-03-02T09:00:00+08:00',
  })(target, property);
};

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
  @IsOptional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ description: 'Required for, and only for, the department role.' })
  @IsOptional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the key stops working: an instant with an offset, in the future, at most 5 years ahead. Omitted = never.',
  })
  @IsOptional()
  @instant()
  expiresAt?: string;
}

export class ListApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'Keys of this unit and the units below it.' })
  @IsOptional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ description: 'true: only revoked keys; false: only keys not revoked (expired ones included).' })
  @IsOptional()
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
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  overlapMinutes?: number;
}
