import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel } from '@nestjs/common';
import { ApiKeysService } from '#auth';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { migrate } from '#persistence';
import { ApiModule } from './api.module.js';
import { API_TAGS, BEARER_AUTH } from './common/api-docs.js';
import { ProblemFilter } from './common/problem.filter.js';
import { clientErrorProblem, frameworkProblem, refuseUnstorableInput } from './common/request-edge.js';
import { RequestValidationPipe } from './common/validation.js';
import { eventSchemas } from './event-schemas.js';
import { registerPublicRateLimit } from './public/public-rate-limit.js';

export interface ApiOptions {
  clock?: Clock;
  logger?: LogLevel[] | false;
  /** The Redis the public rate limit counts in; default REDIS_URL (tests point it at a closed port). */
  rateLimitRedisUrl?: string;
  /**
   * Serve the Swagger UI at /docs (the OpenAPI JSON at /docs-json is always served). Jest cannot load the UI's
   * static-file plugin, so in-process tests turn it off; the spawned-server test checks the UI.
   */
  docsUi?: boolean;
}

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
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, options.clock), adapter, {
    logger: options.logger ?? ['log', 'warn', 'error'],
  });
  if (config.adminKey) await app.get(ApiKeysService).bootstrapAdmin(config.adminKey);

  // Prometheus scrapes /metrics by convention, so it stays outside the versioned prefix.
  app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
  // `/` leads to the documentation for now (the console will take it). A redirect, not an API operation: it
  // stays out of the OpenAPI document.
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_request, reply) => reply.redirect('/docs', 302));
  app.useGlobalFilters(new ProblemFilter(config.bodyLimit));
  app.useGlobalPipes(new RequestValidationPipe());
  app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().addHook('preValidation', refuseUnstorableInput);
  await registerPublicRateLimit(app, config, options.rateLimitRedisUrl);

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
    .addBearerAuth(BEARER_AUTH);
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
