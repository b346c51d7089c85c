import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { DELIVERY_STATUSES, type DeliveryStatus } from '#referrals';
import { Optional, PageQuery, codeRule } from '../../common/dto.js';

export class DeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: '`dead` is the dead-letter list.' })
  @Optional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional()
  @Optional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  referralId?: string;
}

export class ReplayDeadDto {
  @ApiPropertyOptional({ description: "Only this department's dead deliveries; omitted = every department's." })
  @Optional()
  @codeRule()
  departmentCode?: string;
}
