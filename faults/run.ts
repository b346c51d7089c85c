/**
 * `npm run faults` runs every fault scenario; `npm run faults -- api-kill worker-kill` runs those named.
 * Each breaks something on purpose under a client load (see scenarios.ts), on loopback only, against a private
 * embedded PostgreSQL and a private redis-server, then counts what was lost and duplicated. Exit 1 if any
 * scenario lost or duplicated anything, answered 500, or did not finish within its bound. A run of every
 * scenario also writes what it printed to faults/RESULTS.md (FAULTS_RESULTS_FILE); a run of some does not.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PrivatePostgres, sql, STATE_DIR } from './lab.js';
import { passed, render } from './report.js';
import { SCENARIOS } from './scenarios.js';

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const logDir = path.join(STATE_DIR, 'logs');
  await rm(logDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });
  const pg = await PrivatePostgres.start(() => {});
  const started = Date.now();
  let failed = 0;
  const printed: string[] = [];
  const print = (text: string) => {
    console.log(text);
    printed.push(text);
  };
  try {
    const [{ server_version: pgVersion }] = await sql<{ server_version: string }>(pg.adminUrl, 'SHOW server_version');
    const redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? '?';
    const cpus = os.cpus();
    print(
      `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
        `private PostgreSQL ${pgVersion} (embedded, 127.0.0.1:${pg.port}), private redis-server ${redisVersion}; logs in ${path.relative(process.cwd(), logDir)}/`,
    );
    for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
      const t = Date.now();
      const outcome = await scenario.run({ pg, logDir });
      print(`\n${render(outcome)}  (${Math.round((Date.now() - t) / 1000)} s)`);
      if (!passed(outcome)) failed++;
    }
  } finally {
    await pg.stop();
  }
  print(
    `\n${failed ? `${failed} scenario(s) FAILED` : 'all scenarios PASSED'} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (wanted.length === 0) {
    const file = process.env.FAULTS_RESULTS_FILE ?? 'faults/RESULTS.md';
    await writeFile(
      file,
      `# Fault injection results\n\nWritten by \`npm run faults\` at ${new Date().toISOString()}; README.md ("Faults") says what each scenario does.\n\n\`\`\`\n${printed.join('\n').trim()}\n\`\`\`\n`,
    );
    console.log(`(written to ${file})`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
