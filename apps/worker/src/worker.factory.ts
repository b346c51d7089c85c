import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LogLevel } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { migrate } from '#persistence';
import type { NotificationChannel } from '#notifications';
import { levelOfNest, type Tracing } from '#telemetry';
import { WorkerModule } from './worker.module.js';

export interface WorkerOptions {
  clock?: Clock;
  /** The levels to log (the most verbose one listed counts); default `CONCORD_LOG_LEVEL`. */
  logger?: LogLevel[] | false;
  /** Where log lines go instead of stdout (tests read what the real logger wrote). */
  logStream?: DestinationStream;
  /** Human-readable log lines: `main.ts` asks for them when stdout is a terminal. */
  prettyLogs?: boolean;
  channels?: NotificationChannel[];
  /** The tracing SDK `main.ts` started, flushed when the worker closes. */
  tracing?: Tracing | null;
}

/**
 * Migrates, then builds the worker (its only HTTP is the metrics and health port). Nest initialises an
 * application context as it creates it, so the relay and processors are running when this returns; migrating
 * first means they never see an old schema.
 */
export async function createWorker(
  config: ConcordConfig,
  options: WorkerOptions = {},
): Promise<INestApplicationContext> {
  await migrate(config.databaseUrl);
  const log = {
    level: options.logger === undefined ? (config.logLevel ?? 'info') : levelOfNest(options.logger),
    stream: options.logStream,
    pretty: options.prettyLogs,
  };
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config, options.clock, options.channels, { log, tracing: options.tracing }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  return app;
}
