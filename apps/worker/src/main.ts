import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '#config';
import { stopWithLauncher } from '#local';
import { createWorker } from './worker.factory.js';

async function main(): Promise<void> {
  stopWithLauncher();
  await createWorker(loadConfig());
  new Logger('Concord').log('worker running: outbox relay and effect processors');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
