/**
 * What a new `npm start` does with what an earlier one recorded, against real processes: small Node programs
 * standing in for the launcher and the apps (their command lines name the same files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../src/processes.js';
import { claimRun, readRunState, recordProcess, runStateFile, writeRunState, type RunState } from '../src/run-state.js';

describe('claimRun', () => {
  let tmp: string;
  let file: string;
  const running: ChildProcess[] = [];
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  /** A Node program that runs until stopped, whose command line names `script` as the real one would. */
  function program(script: string): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
    const file = path.join(tmp, script);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'setInterval(() => {}, 1 << 30);\n');
    const child = spawn(process.execPath, [file], { stdio: 'ignore' });
    running.push(child);
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    return { child, exited };
  }

  /** The record of a launcher that has died. */
  async function deadLauncher(): Promise<RunState['launcher']> {
    const launcher = program('dist/libs/local/src/start.js');
    const recorded = recordProcess('launcher', launcher.child.pid!);
    launcher.child.kill('SIGKILL');
    await launcher.exited;
    return recorded;
  }

  const earlierRun = (launcher: RunState['launcher'], processes: RunState['processes']): RunState => ({
    launcher,
    port: 3000,
    queuePrefix: 'concord-00000000',
    processes,
  });

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'concord-run-'));
    file = runStateFile(tmp);
    mkdirSync(path.dirname(file));
    lines.length = 0;
  });

  afterEach(() => {
    for (const child of running.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('records this process as the launcher of a folder where nothing ran', async () => {
    const claimed = await claimRun(file, { port: 3000, queuePrefix: 'concord-12345678' }, log);
    expect(claimed.launcher).toMatchObject({ role: 'launcher', pid: process.pid, startTime: expect.any(String) });
    expect(readRunState(file)).toEqual(claimed);
    expect(lines).toEqual([]);
  });

  it('refuses while the recorded launcher runs, and leaves its processes alone', async () => {
    const launcher = program('dist/libs/local/src/start.js');
    const api = program('dist/apps/api/src/main.js');
    writeRunState(
      file,
      earlierRun(recordProcess('launcher', launcher.child.pid!), [recordProcess('api', api.child.pid!)]),
    );

    await expect(claimRun(file, { port: 3001, queuePrefix: 'x' }, log)).rejects.toThrow(
      `Concord is already running from this folder: launcher pid ${launcher.child.pid}, API on port 3000`,
    );
    expect(isAlive(api.child.pid!)).toBe(true);
    expect(readRunState(file)!.launcher.pid).toBe(launcher.child.pid);
  });

  it('stops what a launcher that died left running, the apps by SIGTERM, then takes the folder', async () => {
    const api = program('dist/apps/api/src/main.js');
    const worker = program('dist/apps/worker/src/main.js');
    const launcher = await deadLauncher();
    writeRunState(
      file,
      earlierRun(launcher, [recordProcess('api', api.child.pid!), recordProcess('worker', worker.child.pid!)]),
    );

    const claimed = await claimRun(file, { port: 3000, queuePrefix: 'concord-12345678' }, log);
    expect(await api.exited).toBe('SIGTERM');
    expect(await worker.exited).toBe('SIGTERM');
    expect(claimed.launcher.pid).toBe(process.pid);
    expect(readRunState(file)).toEqual(claimed);
    // Both at once: in either order.
    expect(lines.sort()).toEqual([
      `stopping the API (pid ${api.child.pid}) left running by an earlier run (launcher pid ${launcher.pid})`,
      `stopping the worker (pid ${worker.child.pid}) left running by an earlier run (launcher pid ${launcher.pid})`,
    ]);
  });

  it('never signals a pid that now names another process: another start time, or another program', async () => {
    const reused = program('dist/apps/api/src/main.js'); // the pid, but not the process that was recorded
    const other = program('some/other/program.js'); // recorded as PostgreSQL: not what runs under that pid
    const launcher = await deadLauncher();
    writeRunState(
      file,
      earlierRun(launcher, [
        { ...recordProcess('api', reused.child.pid!), startTime: 'an earlier start' },
        recordProcess('postgres', other.child.pid!),
      ]),
    );

    await claimRun(file, { port: 3000, queuePrefix: 'concord-12345678' }, log);
    expect(isAlive(reused.child.pid!)).toBe(true);
    expect(isAlive(other.child.pid!)).toBe(true);
    expect(lines).toEqual([]);
  });
});
