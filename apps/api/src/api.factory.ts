import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApiKeysService, SessionsService, UsersService } from '#auth';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { Metrics } from '#metrics';
import { OBSERVED_QUEUES, type ObservedQueues } from '#observability';
import { migrate } from '#persistence';
import { levelOfNest, type Tracing } from '#telemetry';
import { mountQueueDashboard } from './admin/queue-dashboard.js';
import { ApiModule } from './api.module.js';
import { API_TAGS, BEARER_AUTH } from './common/api-docs.js';
import { instrumentHttp, requestIdOf } from './common/http-telemetry.js';
import { mountConsole } from './console/console.js';
import { ProblemFilter } from './common/problem.filter.js';
import { clientErrorProblem, frameworkProblem, refuseUnstorableInput } from './common/request-edge.js';
import { RequestValidationPipe } from './common/validation.js';
import { eventSchemas } from './event-schemas.js';
import { registerPublicRateLimit } from './public/public-rate-limit.js';

export interface ApiOptions {
  clock?: Clock;
  /** The levels to log (the most verbose one listed counts); default `CONCORD_LOG_LEVEL`. */
  logger?: LogLevel[] | false;
  /** Where log lines go instead of stdout (tests read what the real logger wrote). */
  logStream?: DestinationStream;
  /** Human-readable log lines: `main.ts` asks for them when stdout is a terminal. */
  prettyLogs?: boolean;
  /** The tracing SDK `main.ts` started (OTEL_EXPORTER_OTLP_ENDPOINT set), flushed when the API closes. */
  tracing?: Tracing | null;
  /** The Redis the public rate limit counts in; default REDIS_URL (tests point it at a closed port). */
  rateLimitRedisUrl?: string;
  /**
   * Serve the Swagger UI at /docs (the OpenAPI JSON at /docs-json is always served). Jest cannot load the UI's
   * static-file plugin, so in-process tests turn it off; the spawned-server test checks the UI.
   */
  docsUi?: boolean;
  /**
   * Where the built console is (dist/console by default, written by `npm run build`); false serves none, as
   * in-process tests do (the spawned-server browser tests drive the console).
   */
  consoleDir?: string | false;
}

/** dist/console, beside the built API (dist/apps/api/src/api.factory.js). */
const BUILT_CONSOLE = fileURLToPath(new URL('../../../console', import.meta.url));

/**
 * Builds the API application, migrated and with the bootstrap admin key in place, ready to `listen`.
 * `main.ts` and the integration tests both start Concord through here.
 */
export async function createApi(config: ConcordConfig, options: ApiOptions = {}): Promise<NestFastifyApplication> {
  await migrate(config.databaseUrl);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    // A body with `__proto__`, or `constructor.prototype`, is refused (400), never parsed with the key stripped;
    // refuseUnstorableInput refuses the other prototype keys.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    trustProxy: config.trustProxy ?? false,
    frameworkErrors: frameworkProblem,
    clientErrorHandler: clientErrorProblem,
    // A caller's X-Request-Id names the request (when it is a plain token), else a new UUID does.
    genReqId: requestIdOf,
  });
  const log = {
    level: options.logger === undefined ? (config.logLevel ?? 'info') : levelOfNest(options.logger),
    stream: options.logStream,
    pretty: options.prettyLogs,
  };
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(config, options.clock, { log, tracing: options.tracing }),
    adapter,
    {
      bufferLogs: true,
    },
  );
  // Nest's own lines (and every `new Logger(…)` in Concord) go through pino too.
  app.useLogger(app.get(PinoNestLogger));
  if (config.adminKey) await app.get(ApiKeysService).bootstrapAdmin(config.adminKey);
  if (config.firstAdminPassword) await app.get(UsersService).bootstrapAdmin('admin', config.firstAdminPassword);
  const fastify = app.getHttpAdapter().getInstance();
  instrumentHttp(fastify, app.get(Metrics));

  // Prometheus scrapes /metrics by convention, so it stays outside the versioned prefix.
  app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
  // `/` is the console, served from the same origin as the API; where none is built, `/` leads to the
  // documentation. Neither is an API operation: they stay out of the OpenAPI document.
  const consoleDir = options.consoleDir ?? BUILT_CONSOLE;
  if (!(consoleDir && (await mountConsole(fastify, consoleDir))))
    fastify.get('/', (_request, reply) => reply.redirect('/docs', 302));
  app.useGlobalFilters(new ProblemFilter(config.bodyLimit));
  app.useGlobalPipes(new RequestValidationPipe());
  app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().addHook('preValidation', refuseUnstorableInput);
  await registerPublicRateLimit(app, config, options.rateLimitRedisUrl);
  await mountQueueDashboard(
    fastify,
    app.get(ApiKeysService),
    app.get(SessionsService),
    app.get<ObservedQueues>(OBSERVED_QUEUES),
    dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')),
  );

  const builder = new DocumentBuilder()
    .setTitle('Concord')
    .setDescription(
      'Case workflow for dispute mediation and petitions. Errors are RFC 9457 problem details ' +
        '(`application/problem+json`, the `Problem` schema); every POST takes an `Idempotency-Key`; lists are ' +
        'cursor-paginated (`cursor`, `limit` ≤ 200, answering `{items, nextCursor}`). The events operations take ' +
        'every event of every machine version: `<kind>.v<version>.<TYPE>` is the payload schema of an event.',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth(BEARER_AUTH)
    .addCookieAuth(
      'concord_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description: 'A person’s session (POST /api/v1/session); every write also sends X-CSRF-Token.',
      },
      'cookie',
    );
  for (const [name, description] of Object.entries(API_TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...eventSchemas() } };
  SwaggerModule.setup('docs', app, document, {
    swaggerUiEnabled: options.docsUi ?? true,
    jsonDocumentUrl: 'docs-json',
  });
  await app.init();
  // Concord speaks JSON only: other bodies are refused with 415 instead of reaching a route as a string.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  return app;
}
