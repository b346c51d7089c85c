import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../../libs/referrals/src/index.js';
import { PageQuery, codeRule } from '../../common/dto.js';

export class DeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: '`dead` is the dead-letter list.' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  referralId?: string;
}

export class ReplayDeadDto {
  @ApiPropertyOptional({ description: "Only this department's dead deliveries; omitted = every department's." })
  @IsOptional()
  @codeRule()
  departmentCode?: string;
}
