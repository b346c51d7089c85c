import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { USER_ROLES, type UserRole } from '#domain';
import { Optional, PageQuery, codeRule, phoneRule } from '../../common/dto.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export class CreateUserDto {
  @ApiProperty({
    example: 'li.xiaohong',
    description: 'What the person signs in with: 2–64 letters, digits, `.`, `_`, `@`, `-`; unique whatever its case.',
  })
  @Matches(USERNAME, {
    message: '$property must be 2–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
  })
  username!: string;

  @ApiProperty({ example: '李晓红', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: '13812345678', description: 'A work phone, shown to admins.' })
  @Optional()
  @phoneRule()
  phone?: string;

  @ApiPropertyOptional({
    description:
      'The unit whose subtree the person sees. Required unless every role is admin or auditor (deployment-wide); ' +
      'for department staff it limits them to that subtree, as for department keys.',
  })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ description: 'Required for, and only for, department staff.' })
  @Optional()
  @codeRule()
  departmentCode?: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true, example: ['mediator'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsIn(USER_ROLES, { each: true })
  roles!: UserRole[];

  @ApiPropertyOptional({
    description:
      'At least 12 characters mixing two kinds (letters, digits, others), not the username, not a well-known one. ' +
      'Omitted: a one-time password is made and returned once; it must be changed at the first sign-in.',
  })
  @Optional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({
    description:
      'true: the account has no password and signs in only through single sign-on (GET /session/oidc); no ' +
      'one-time password is made. Not with `password`. A password reset later gives it a one-time password.',
  })
  @Optional()
  @IsBoolean()
  passwordless?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @Optional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional()
  @Optional()
  @phoneRule()
  phone?: string;

  @ApiPropertyOptional({
    enum: USER_ROLES,
    isArray: true,
    description: 'Replaces the roles; the person’s sessions end.',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ description: 'true disables the account (its sessions end); false enables it again.' })
  @Optional()
  @IsBoolean()
  disabled?: boolean;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Accounts of this unit and the units below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @Optional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional()
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  disabled?: boolean;
}

export class SignInDto {
  @ApiProperty({ example: 'li.xiaohong' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @ApiProperty({ format: 'password', description: 'By the password policy (see POST /users).' })
  @IsString()
  @Length(1, 1024)
  newPassword!: string;
}

@ApiSchema({ name: 'User', description: 'A staff account: never its password or hash.' })
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) unitCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) departmentCode!: string | null;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles!: UserRole[];
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

@ApiSchema({ name: 'CreatedUser', description: 'A new account, with its one-time password when one was made.' })
export class CreatedUserDto extends UserDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Shown only in this answer; null when a password was given.',
  })
  oneTimePassword!: string | null;
}

@ApiSchema({ name: 'UserPage' })
export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

@ApiSchema({ name: 'OneTimePassword' })
export class OneTimePasswordDto {
  @ApiProperty({ description: 'Shown only in this answer; it must be changed at the next sign-in.' })
  oneTimePassword!: string;
}

@ApiSchema({ name: 'SessionInfo' })
export class SessionInfoDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

@ApiSchema({ name: 'Me', description: 'The signed-in person, or the API key’s principal.' })
export class MeDto {
  @ApiProperty({ description: 'The user id, or the key’s principal id.' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for an API key.' }) username!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: USER_ROLES, isArray: true }) roles!: UserRole[];
  @ApiProperty({ type: String, nullable: true }) unitCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) departmentCode!: string | null;
  @ApiProperty({ description: 'Every other route is refused until the one-time password is changed.' })
  mustChangePassword!: boolean;
  @ApiProperty({ type: SessionInfoDto, nullable: true, description: 'null for an API key.' })
  session!: SessionInfoDto | null;
}

@ApiSchema({
  name: 'SignedIn',
  description: 'The session began: its cookie is set; send csrfToken in X-CSRF-Token on writes.',
})
export class SignedInDto {
  @ApiProperty({ description: 'Send it in `X-CSRF-Token` with every write (also in the `concord_csrf` cookie).' })
  csrfToken!: string;
  @ApiProperty({ type: MeDto }) me!: MeDto;
}
