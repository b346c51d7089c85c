import { spawn } from 'node:child_process';
import type { ConcordConfig } from '#config';

export interface SpawnedWorker {
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  /**
   * Ends the process (SIGTERM: it shuts down as in production) and resolves when it has exited; one still running
   * after `graceMs` is killed (SIGKILL), so a slow shutdown on a loaded machine cannot hold a test's teardown.
   */
  stop(graceMs?: number): Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** The built worker (`dist/`) in a process of its own, on the test's database and Redis: something tests can kill. */
export function spawnWorker(config: ConcordConfig, env: Record<string, string>): SpawnedWorker {
  const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      CONCORD_QUEUE_PREFIX: config.queuePrefix,
      CONCORD_DATA_KEY: config.dataKey,
      CONCORD_JOB_LOCK_MS: String(config.jobLockMs),
      CONCORD_WEBHOOK_ALLOW_PRIVATE: config.webhookAllowPrivate.join(','),
      // Test files run side by side: none takes the worker's default metrics port.
      CONCORD_WORKER_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    exited,
    stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        void exited.then(() => clearTimeout(timer));
      }
      return exited;
    },
  };
}
