import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { ConcordConfig } from '#config';

export interface SpawnedApi {
  /** `http://127.0.0.1:<port>/api/v1` */
  url: string;
  /**
   * Ends the process (SIGTERM: it shuts down as in production) and resolves when it has exited; one still running
   * after `graceMs` is killed (SIGKILL), so a slow shutdown on a loaded machine cannot hold a test's teardown.
   */
  stop(graceMs?: number): Promise<{ code: number | null; signal: string | null }>;
}

/** A port nothing listens on right now (the OS picks it; a test process takes it at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The built API (`dist/`) in a process of its own, on the test's database, Redis and queue prefix: another API
 * process behind the load balancer, sharing nothing with the test's but the stores. Resolves once it has logged
 * that it listens (read from its own log lines, not by polling); rejects if it exits first.
 */
export async function spawnApi(config: ConcordConfig, env: Record<string, string> = {}): Promise<SpawnedApi> {
  // A caller that must know the address first (a redirect URL registered with an identity provider) names the port.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      CONCORD_QUEUE_PREFIX: config.queuePrefix,
      CONCORD_DATA_KEY: config.dataKey,
      CONCORD_LOG_LEVEL: 'info',
      ...(config.adminKey ? { CONCORD_ADMIN_KEY: config.adminKey } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    let out: string | null = '';
    // Its log keeps coming (a line per request): read on, so the pipe never fills and blocks it.
    child.stdout.on('data', (chunk) => {
      if (out === null) return;
      out += chunk;
      if (out.includes(`API listening on port ${port}`)) {
        out = null;
        resolve();
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the API process exited (${code ?? signal}) before listening: ${stderr.slice(-2000)}`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        void exited.then(() => clearTimeout(timer));
      }
      return exited;
    },
  };
}
