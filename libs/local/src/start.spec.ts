import { spawn } from 'node:child_process';
import { createTestDatabase, testRedisUrl } from '../../testing/src/test-infra.js';
import { freePort } from './processes.js';

/**
 * `npm start` minus the build: the launcher starts the real API and worker from dist/ and prints where they
 * are. PostgreSQL and Redis come from the test setup here; local.spec.ts covers the embedded ones.
 */
describe('the launcher', () => {
  it('starts the API and the worker, which answer /health and /docs, and stops them on SIGINT', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const adminKey = `ck_admin_launcher_test_${port}_0123456789`;
    // Both keys are given, so the launcher generates and stores nothing in the checkout's .concord/.
    const launcher = spawn(process.execPath, ['dist/libs/local/src/start.js'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: database.url, REDIS_URL: testRedisUrl(), CONCORD_ADMIN_KEY: adminKey, CONCORD_DATA_KEY: 'launcher-test-data-key-0123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout.on('data', (chunk) => (output += chunk));
    launcher.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        launcher.stdout.on('data', () => output.includes('Concord is running') && output.includes('worker running') && resolve());
        void exited.then((code) => reject(new Error(`launcher exited (${code}):\n${output}`)));
      });
      expect(output).toContain(`http://localhost:${port}/api/v1`);
      expect(output).toContain(`http://localhost:${port}/docs`);
      expect(output).toContain('Admin key    the one in CONCORD_ADMIN_KEY');
      expect(output).not.toContain(adminKey);

      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(health.status).toBe(200);
      const docs = await fetch(`http://127.0.0.1:${port}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger-ui');
      const units = await fetch(`http://127.0.0.1:${port}/api/v1/units`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(units.status).toBe(200);
    } finally {
      launcher.kill('SIGINT');
      expect(await exited).toBe(0);
      await database.drop();
    }
    expect(output).toContain('[concord] stopped');
  });
});
