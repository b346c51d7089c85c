import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PARTY_ROLES, USER_ROLES, VULNERABLE_FLAGS, type Actor, type PartyRole, type UserRole } from '#domain';
import type { PartyView } from '#parties';

// The people answers show: who caused an event, and the parties of a case.

@ApiSchema({
  name: 'Actor',
  description: 'Who caused an event: an API key’s principal, a signed-in person, or Concord itself.',
})
export class ActorDto implements Actor {
  @ApiProperty({
    example: 'system:deadlines',
    description: 'The key’s principal id, the person’s user id, or `system:<part>`.',
  })
  id!: string;

  @ApiProperty({ enum: [...USER_ROLES, 'system'], description: 'The role it acted in.' })
  role!: UserRole | 'system';

  @ApiProperty({ example: 'Deadline timer' })
  name!: string;
}

@ApiSchema({
  name: 'Party',
  description: 'A party of a case. PII (name, phone, ID number) is masked unless the reader’s role works with it.',
})
export class PartyViewDto implements PartyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PARTY_ROLES })
  role!: PartyRole;

  @ApiProperty({ example: '王*明' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: '+86138****5678', description: 'E.164, or masked.' })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '1101**********1234' })
  idNumber!: string | null;

  @ApiProperty({ enum: VULNERABLE_FLAGS, isArray: true })
  vulnerable!: string[];

  @ApiProperty({ description: 'One of the representatives a group of petitioners chose (信访工作条例 art. 20 ¶3).' })
  representative!: boolean;

  @ApiProperty({ description: 'Whether name, phone and ID number are masked in this answer.' })
  masked!: boolean;
}
