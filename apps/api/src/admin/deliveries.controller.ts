import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '#auth';
import { type Principal } from '#domain';
import { DeliveriesService } from '#referrals';
import { requireUuid } from '../common/ids.js';
import { DeliveriesQuery, ReplayDeadDto } from './dto/deliveries.dto.js';

/**
 * Webhook deliveries of referral events: the dead-letter list and replays. Admins only; an admin scoped to a unit
 * sees and replays the deliveries of cases owned within its subtree, and no other.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** Newest first; `?status=dead` is the dead-letter list. */
  @Get()
  @Roles('admin')
  list(@Query() query: DeliveriesQuery, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.list({ ...query, referralId: query.referralId?.toLowerCase() }, admin);
  }

  /** Replays every dead delivery in scope (of one department): `{replayed}`. */
  @Post('replay')
  @HttpCode(200)
  @Roles('admin')
  async replayDead(@Body() body: ReplayDeadDto, @CurrentPrincipal() admin: Principal) {
    return { replayed: await this.deliveries.replayDead(body, admin) };
  }

  /** One delivery, with the exact CloudEvent body it sends. */
  @Get(':id')
  @Roles('admin')
  get(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.get(requireUuid(id, `Delivery ${id}`), admin);
  }

  /** Sends a dead (or pending) delivery again from attempt 1: same CloudEvent id, next generation. 409 once delivered. */
  @Post(':id/replay')
  @HttpCode(200)
  @Roles('admin')
  replay(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.replay(requireUuid(id, `Delivery ${id}`), admin);
  }
}
