import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '#config';
import { stopWithLauncher } from '#local';
import { startTracing } from '#telemetry';
import { createWorker } from './worker.factory.js';

async function main(): Promise<void> {
  stopWithLauncher();
  const config = loadConfig();
  const tracing = await startTracing('concord-worker');
  await createWorker(config, { prettyLogs: process.stdout.isTTY === true, tracing });
  new Logger('Concord').log('worker running: outbox relay and effect processors');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
