/**
 * Helpers of the local launcher for the processes it runs: free TCP ports, output capture, telling one process
 * from another that later got its pid, stopping.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Asks the kernel for a TCP port that is free on 127.0.0.1 right now.
 * Another process may still take it before we bind it: callers that spawn a server on it retry on a bind failure.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free TCP port'))));
    });
  });
}

/** True when something accepts TCP connections on host:port within timeoutMs. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True while the process exists and is not a zombie (a signal we may not send still means it exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (stat) return stat[0] !== 'Z';
  // No /proc (macOS): ask ps. A killed process whose parent has not reaped it yet is a zombie, not alive.
  const state = psField(pid, 'stat');
  return state === undefined || !state.startsWith('Z');
}

/**
 * When the process started, as the system tells it, or undefined when it cannot be read. With the pid it names
 * one process: a pid the system has since given to another program comes with another start time. It does not
 * change when the process execs another program.
 */
export function startTimeOf(pid: number): string | undefined {
  const stat = procStat(pid);
  // Field 22 of /proc/<pid>/stat, in clock ticks since boot; procStat starts at field 3.
  if (stat) return stat[19];
  return psField(pid, 'lstart');
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), from the state on. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .trim()
      .split(' ');
  } catch {
    return undefined;
  }
}

function psField(pid: number, field: 'stat' | 'lstart'): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() || undefined;
  } catch {
    return undefined; // no such process, or no ps
  }
}

/** A signal to send (null: send nothing, only wait) and how long to wait for the process to exit after it. */
export type StopStep = readonly [signal: NodeJS.Signals | null, waitMs: number];

/**
 * Sends each signal in turn and waits up to its time for the child to exit.
 * Resolves once it has exited, or after the last step (a process that survives SIGKILL is beyond us).
 */
export async function stopChild(child: ChildProcess, steps: readonly StopStep[]): Promise<void> {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (exited()) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, waitMs] of steps) {
    if (exited()) return;
    try {
      if (signal) child.kill(signal);
    } catch {
      return; // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exit.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs))),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
  }
}

/** The command line of a running process, or undefined when it cannot be read. */
export async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim() || undefined;
  } catch {
    try {
      return (await execFileAsync('ps', ['-p', String(pid), '-o', 'command='])).stdout.trim() || undefined;
    } catch {
      return undefined; // no /proc and no ps (slim containers)
    }
  }
}

/** Sends a child's output to `log` line by line; returns its last 30 lines, for error messages. */
export function captureLines(child: ChildProcess, log: (line: string) => void): string[] {
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      log(line);
    });
  }
  return recent;
}
