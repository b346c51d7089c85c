import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, SignedIn } from '#auth';
import { DomainError, type Principal } from '#domain';
import { NoticeHub, NoticesService, type MarkRead } from '#notifications';
import { ApiIdempotencyKey, ApiProblems } from '../common/api-docs.js';
import { MarkNoticesReadDto, NoticePageDto, NoticesQuery, NoticesReadDto } from './dto/notices.dto.js';
import { PeopleOnlyGuard } from './people-only.guard.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a client waits before reconnecting a dropped stream (the SSE `retry` field). */
const RETRY_MS = 3_000;
/** The 403 of every route here: an API key is a system's, and a system has no inbox. */
const API_KEY_REFUSED: [403, string] = [
  403,
  'An API key (notices are a signed-in person’s own), or a one-time password still to be changed.',
];

/**
 * A signed-in person's notice inbox: hand-overs, clock warnings, returned referrals, and the case owner's notices
 * (催办, 督办, breaches) about the cases they work or are in charge of. Each person reads only their own; an API key,
 * which is a system's, is refused (403). Live updates come over server-sent events, fed through Redis pub/sub, so a
 * notice delivered by any worker reaches a stream open on any API process.
 */
@ApiTags('people')
@ApiCookieAuth()
@UseGuards(PeopleOnlyGuard)
@Controller('me/notices')
export class NoticesController {
  constructor(
    private readonly notices: NoticesService,
    private readonly hub: NoticeHub,
  ) {}

  @Get()
  @SignedIn()
  @ApiOperation({
    operationId: 'listMyNotices',
    summary: 'My notices',
    description:
      'The signed-in person’s notices, newest first (by when they were raised), all or only the unread ones ' +
      '(`unread=true`), cursor-paginated, with the count of unread notices for a badge. Only the person’s own; an ' +
      'API key is refused (403).',
  })
  @ApiOkResponse({ type: NoticePageDto })
  @ApiProblems(400, 401, API_KEY_REFUSED, 503)
  list(@Query() query: NoticesQuery, @CurrentPrincipal() me: Principal) {
    return this.notices.list(me.id, { unread: query.unread, cursor: query.cursor, limit: query.limit });
  }

  @Post('read')
  @HttpCode(200)
  @SignedIn()
  @ApiOperation({
    operationId: 'markMyNoticesRead',
    summary: 'Mark my notices read',
    description:
      'Marks read the notices named by `ids`, every one (`all: true`), or the one named by `upTo` and every one ' +
      'listed after it (raised before it): exactly one of the three. Ids that are not the person’s own, or already ' +
      'read, change nothing. Answers how many were marked and how many are left unread. A write: the CSRF token ' +
      'goes in `X-CSRF-Token`.',
  })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: NoticesReadDto })
  @ApiProblems(400, 401, API_KEY_REFUSED, 413, 415, 422, 503)
  async markRead(@Body() body: MarkNoticesReadDto, @CurrentPrincipal() me: Principal) {
    const given = (['ids', 'all', 'upTo'] as const).filter((field) => body[field] !== undefined);
    if (given.length !== 1)
      throw DomainError.validation([{ field: '', message: 'the body must have exactly one of ids, all or upTo' }]);
    const what: MarkRead = body.ids
      ? { ids: body.ids.map((id) => id.toLowerCase()) }
      : body.upTo
        ? { upTo: body.upTo.toLowerCase() }
        : { all: true };
    return this.notices.markRead(me.id, what);
  }

  @Get('stream')
  @SignedIn()
  @ApiOperation({
    operationId: 'streamMyNotices',
    summary: 'My notices, live (server-sent events)',
    description:
      'A `text/event-stream` of the signed-in person’s notices as they are delivered: each is an event ' +
      '`notice` whose `id` is the notice’s and whose `data` is the Notice as JSON. On connecting it sends the ' +
      'notices delivered after the one named by `Last-Event-ID` (an EventSource sends it when it reconnects), or ' +
      'none without it; then each new one, in the order they reached the inbox. A comment line comes every ' +
      '`CONCORD_NOTICE_HEARTBEAT_SECONDS` (25); the stream ends when the session does (signed out, expired, the ' +
      'account disabled), and when the API process stops (the client reconnects). Only the person’s own; an API ' +
      'key is refused (403).',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last notice received: the stream resumes after it. Not one of yours: ignored.',
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The stream; it stays open.',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          description:
            '`retry: 3000`, a `: connected` comment, then `id: <notice id>`, `event: notice`, ' +
            '`data: <Notice JSON>` per notice, and `: heartbeat` comments.',
        },
      },
    },
  })
  @ApiProblems(401, API_KEY_REFUSED, 503)
  async stream(
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() me: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Before anything is written, so a failure here is still a problem answer.
    const from = await this.notices.resumeFrom(
      me.id,
      typeof lastEventId === 'string' && UUID.test(lastEventId.trim()) ? lastEventId.trim().toLowerCase() : null,
    );
    reply.hijack();
    const raw = reply.raw;
    // Headers set on the reply so far (X-Request-Id) go out with the stream's own.
    const set = Object.entries(reply.getHeaders()).filter(
      (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
    );
    raw.writeHead(200, {
      ...Object.fromEntries(set),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and its kin pass each event on at once instead of buffering the response.
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    const stream = this.hub.attach({ userId: me.id, sessionId: me.session!.id }, from, {
      write: (chunk) => raw.write(chunk),
      end: () => raw.end(),
      get buffered() {
        return raw.writableLength;
      },
    });
    raw.on('close', () => stream.close());
    raw.on('error', () => stream.close());
    if (raw.destroyed) stream.close();
  }
}
