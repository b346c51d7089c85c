import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, testRedisUrl } from '#testing';

/**
 * The built worker, spawned as the launcher spawns it (with an IPC channel). Closing the channel from this end
 * is what the worker sees when the launcher dies, SIGKILL included: the kernel closes the launcher's end.
 */
describe('an app run by the launcher', () => {
  it('shuts down by itself once the launcher is gone', async () => {
    const database = await createTestDatabase();
    const worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl(),
        CONCORD_QUEUE_PREFIX: `concord-test-${randomBytes(4).toString('hex')}`,
        CONCORD_DATA_KEY: 'launcher-link-test-data-key-0123',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    worker.stdout!.on('data', (chunk) => (output += chunk));
    worker.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      worker.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        worker.stdout!.on('data', () => output.includes('worker running') && resolve());
        void exited.then(({ code, signal }) => reject(new Error(`the worker exited (${signal ?? code}):\n${output}`)));
      });

      worker.disconnect();
      // Nest's shutdown hook closes the application, then ends the process with the signal it handled.
      expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(output).not.toMatch(/error/i);
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      await database.drop();
    }
  });
});
