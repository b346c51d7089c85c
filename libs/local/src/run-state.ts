/**
 * What a running `npm start` launcher started, recorded in `.concord/run/launcher.json` as it goes, so that
 * whoever comes after a launcher that died without stopping it all (its watchdog at once, or failing that the
 * next `npm start`) stops exactly those processes. A process is named by its pid and its start time, and its
 * command line must still be the expected program: a pid the system has given to something else is never
 * signalled.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandLineOf, delay, isAlive, startTimeOf, type StopStep } from './processes.js';

export type ProcessRole = 'launcher' | 'watchdog' | 'api' | 'worker' | 'redis' | 'postgres';

export interface RecordedProcess {
  role: ProcessRole;
  pid: number;
  /** See startTimeOf; null when the system would not tell, and then the process is never signalled. */
  startTime: string | null;
}

export interface RunState {
  launcher: RecordedProcess;
  /** The API's port. */
  port: number;
  queuePrefix: string;
  /** In the order they were started. */
  processes: RecordedProcess[];
  postgres?: { dataDir: string; port: number };
  redis?: { url: string; startedHere: boolean };
}

const LABEL: Record<ProcessRole, string> = {
  launcher: 'launcher',
  watchdog: 'watchdog',
  api: 'API',
  worker: 'worker',
  redis: 'Redis',
  postgres: 'PostgreSQL',
};

/** What the command line of each role contains (the postmaster and redis-server rename their processes). */
const COMMAND: Record<ProcessRole, string> = {
  launcher: 'start.js',
  watchdog: 'watchdog.js',
  api: 'apps/api/src/main.js',
  worker: 'apps/worker/src/main.js',
  redis: 'redis-server',
  postgres: 'postgres',
};

/**
 * How each is stopped. The apps shut down gracefully on SIGTERM (they also do it by themselves when the
 * launcher is gone, and ignore a second SIGTERM); PostgreSQL's SIGINT is its fast shutdown, which ends the
 * sessions and writes a checkpoint; a watchdog still running is finishing a clean-up: let it.
 */
const STOP_STEPS: Record<ProcessRole, readonly StopStep[]> = {
  launcher: [
    ['SIGTERM', 30_000],
    ['SIGKILL', 5_000],
  ],
  watchdog: [
    [null, 60_000],
    ['SIGKILL', 5_000],
  ],
  api: [
    ['SIGTERM', 20_000],
    ['SIGKILL', 5_000],
  ],
  worker: [
    ['SIGTERM', 20_000],
    ['SIGKILL', 5_000],
  ],
  redis: [
    ['SIGTERM', 10_000],
    ['SIGKILL', 5_000],
  ],
  postgres: [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ],
};

export const runStateFile = (stateDir: string): string => path.join(stateDir, 'run', 'launcher.json');

/** This moment's record of a process, to be recognised later. */
export function recordProcess(role: ProcessRole, pid: number): RecordedProcess {
  return { role, pid, startTime: startTimeOf(pid) ?? null };
}

export function readRunState(file: string): RunState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as RunState;
  } catch {
    throw new Error(`${file} is not the JSON a launcher writes. If no Concord runs from this folder, delete it.`);
  }
}

/**
 * Replaces the file in one step (write aside, then rename), synchronously: right after a spawn, so that a
 * launcher killed a moment later has already recorded the process it started.
 */
export function writeRunState(file: string, state: RunState): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(aside, file);
}

/** Removes the file if it still records this launcher (a later launcher's file is left alone). */
export function removeRunState(file: string, launcherPid: number): void {
  try {
    if (readRunState(file)?.launcher.pid === launcherPid) rmSync(file, { force: true });
  } catch {
    // unreadable: leave it for the next start to report
  }
}

/** True when the recorded process still runs: same pid, same start time, the expected program. */
export async function stillRuns(recorded: RecordedProcess): Promise<boolean> {
  if (recorded.startTime === null || !isAlive(recorded.pid)) return false;
  if (startTimeOf(recorded.pid) !== recorded.startTime) return false;
  const command = await commandLineOf(recorded.pid);
  return command === undefined || command.includes(COMMAND[recorded.role]);
}

/**
 * Stops every recorded process that still runs, except the caller: a watchdog first (it may be in the middle of
 * this same clean-up), then the API and the worker, then Redis, then PostgreSQL, which the apps need until
 * they have stopped.
 */
export async function stopLeftovers(state: RunState, log: (line: string) => void, whose = ''): Promise<void> {
  const of = (...roles: ProcessRole[]) =>
    state.processes.filter((p) => roles.includes(p.role) && p.pid !== process.pid);
  for (const group of [of('watchdog'), of('api', 'worker'), of('redis'), of('postgres')]) {
    await Promise.all(group.map((recorded) => stopRecorded(recorded, log, whose)));
  }
}

async function stopRecorded(recorded: RecordedProcess, log: (line: string) => void, whose: string): Promise<void> {
  if (!(await stillRuns(recorded))) return;
  const name = `the ${LABEL[recorded.role]} (pid ${recorded.pid})`;
  const named = whose ? `${name} ${whose}` : name;
  log(recorded.role === 'watchdog' ? `waiting for ${named} to finish its clean-up` : `stopping ${named}`);
  const gone = () => !isAlive(recorded.pid) || startTimeOf(recorded.pid) !== recorded.startTime;
  for (const [signal, waitMs] of STOP_STEPS[recorded.role]) {
    if (signal) {
      try {
        process.kill(recorded.pid, signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
        throw new Error(`cannot stop ${name}: ${(err as Error).message}`, { cause: err });
      }
    }
    // Not our child: nothing tells us when it exits, so look (this is a clean-up path, not a hot one).
    for (const until = Date.now() + waitMs; Date.now() < until; await delay(50)) if (gone()) return;
  }
  if (!gone()) throw new Error(`${name} did not stop, even on SIGKILL`);
}

/**
 * Makes this process the launcher of the run recorded in `file`: refuses while the recorded launcher runs,
 * stops whatever a dead one left running, then records this process (created exclusively, so that of two
 * launchers starting at once in one folder, one wins and the other refuses).
 */
export async function claimRun(
  file: string,
  state: Omit<RunState, 'launcher' | 'processes'>,
  log: (line: string) => void,
): Promise<RunState> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const claimed: RunState = { launcher: recordProcess('launcher', process.pid), ...state, processes: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(claimed, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      return claimed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    const previous = readRunState(file);
    if (!previous) continue; // removed meanwhile (a watchdog finished)
    const { launcher } = previous;
    // A start time the system would not tell cannot prove the pid reused: then a live pid counts as running.
    if (launcher.startTime === null ? isAlive(launcher.pid) : await stillRuns(launcher)) {
      throw new Error(
        `Concord is already running from this folder: launcher pid ${launcher.pid}, API on port ${previous.port}. ` +
          `Stop it first (Ctrl-C where it runs, or kill ${launcher.pid}); if that process is not Concord, delete ${file}.`,
      );
    }
    await stopLeftovers(previous, log, `left running by an earlier run (launcher pid ${launcher.pid})`);
    removeRunState(file, launcher.pid);
  }
}
