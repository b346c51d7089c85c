import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class UnmaskDto {
  @ApiProperty({
    example: '纪检复核：核实当事人身份',
    maxLength: 500,
    description: 'Why the PII is needed; kept in the audit access log.',
  })
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(500)
  reason!: string;
}
