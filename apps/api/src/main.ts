import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '#config';
import { stopWithLauncher } from '#local';
import { startTracing } from '#telemetry';
import { createApi } from './api.factory.js';

async function main(): Promise<void> {
  stopWithLauncher();
  const config = loadConfig();
  // Before the application exists, so that its first request is traced (nothing is loaded when unset).
  const tracing = await startTracing('concord-api');
  const app = await createApi(config, { prettyLogs: process.stdout.isTTY === true, tracing });
  await app.listen({ port: config.port, host: '0.0.0.0' });
  new Logger('Concord').log(`API listening on port ${config.port}${tracing ? `; traces go to ${tracing.url}` : ''}`);
}

main().catch((error: unknown) => {
  // Config errors are meant for people: print the message, not a stack.
  console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : error);
  process.exit(1);
});
