import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LogLevel } from '@nestjs/common';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { migrate } from '#persistence';
import type { NotificationChannel } from '#notifications';
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
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config, options.clock, options.channels),
    {
      logger: options.logger ?? ['log', 'warn', 'error'],
    },
  );
  app.enableShutdownHooks();
  return app;
}
