import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LogLevel } from '@nestjs/common';
import type { Clock } from '../../../libs/clock/src/index.js';
import type { ConcordConfig } from '../../../libs/config/src/index.js';
import { migrate } from '../../../libs/persistence/src/index.js';
import type { NotificationChannel } from '../../../libs/notifications/src/index.js';
import { WorkerModule } from './worker.module.js';

/**
 * Migrates, then builds the worker (no HTTP). Nest initialises an application context as it creates it, so
 * the relay and processors are running when this returns; migrating first means they never see an old schema.
 */
export async function createWorker(
  config: ConcordConfig,
  options: { clock?: Clock; logger?: LogLevel[] | false; channels?: NotificationChannel[] } = {},
): Promise<INestApplicationContext> {
  await migrate(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options.clock, options.channels), {
    logger: options.logger ?? ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
  return app;
}
