import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '#auth';
import { type Principal } from '#domain';
import { DeliveriesService } from '#referrals';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { requireUuid } from '../common/ids.js';
import { DeliveryPage, DeliveryViewDto, DeliveryWithBodyDto, ReplayedDto } from './dto/admin-views.dto.js';
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
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: 'List webhook deliveries',
    description:
      'Deliveries of referral events to department webhooks, newest first; `status=dead` is the dead-letter list. ' +
      'Admin keys; an admin scoped to a unit sees the deliveries of cases owned within its subtree only.',
  })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiProblems(400, 401, 403, 503)
  list(@Query() query: DeliveriesQuery, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.list({ ...query, referralId: query.referralId?.toLowerCase() }, admin);
  }

  /** Replays every dead delivery in scope (of one department): `{replayed}`. */
  @Post('replay')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'replayDeadDeliveries',
    summary: 'Replay every dead delivery',
    description:
      'Sets every dead delivery in the admin’s scope (of one department, with `departmentCode`) going again from ' +
      'attempt 1, as a new generation with the same CloudEvent id. Admin keys.',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: ReplayedDto })
  @ApiProblems(400, 401, 403, 413, 415, 422, 503)
  async replayDead(@Body() body: ReplayDeadDto, @CurrentPrincipal() admin: Principal) {
    return { replayed: await this.deliveries.replayDead(body, admin) };
  }

  /** One delivery, with the exact CloudEvent body it sends. */
  @Get(':id')
  @Roles('admin')
  @ApiOperation({
    operationId: 'getDelivery',
    summary: 'Read a webhook delivery',
    description:
      'One delivery with the exact CloudEvent body it sends. Admin keys, for deliveries of cases within their ' +
      'scope (404 otherwise).',
  })
  @ApiOkResponse({ type: DeliveryWithBodyDto })
  @ApiProblems(401, 403, 404, 503)
  get(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.get(requireUuid(id, `Delivery ${id}`), admin);
  }

  /** Sends a dead (or pending) delivery again from attempt 1: same CloudEvent id, next generation. 409 once delivered. */
  @Post(':id/replay')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'replayDelivery',
    summary: 'Replay a webhook delivery',
    description:
      'Sends a dead (or pending) delivery again from attempt 1: same CloudEvent id, next generation. Admin keys, ' +
      'for deliveries of cases within their scope (404 otherwise). Refuses one already delivered (409).',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: DeliveryViewDto })
  @ApiProblems(400, 401, 403, 404, [409, 'Already delivered.'], 422, 503)
  replay(@Param('id') id: string, @CurrentPrincipal() admin: Principal) {
    return this.deliveries.replay(requireUuid(id, `Delivery ${id}`), admin);
  }
}
