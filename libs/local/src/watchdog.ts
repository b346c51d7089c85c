/**
 * Stops what `npm start` started when its launcher dies without doing it: a SIGKILL, a crash, the OOM killer.
 *
 * The launcher spawns this process detached (its own session: a Ctrl-C or a closed terminal does not reach it)
 * with an IPC channel, and passes the run state file and its own pid. The kernel closes the channel when the
 * launcher's process ends, however it ends, and Node reports that as 'disconnect'. That is the one notice a
 * SIGKILLed parent gives on every platform: Linux's PR_SET_PDEATHSIG does not exist on macOS (nor can Node
 * set it), and PostgreSQL and Redis are not ours to change anyway. So this process stops them from outside,
 * by the pids and start times the launcher recorded.
 *
 * A launcher that stops everything itself removes the state file before it exits: then there is nothing to do.
 * If this process is killed too, the next `npm start` does the same clean-up from the same file.
 */
import { readRunState, removeRunState, stopLeftovers } from './run-state.js';

const [stateFile, launcherArg] = process.argv.slice(2);
const launcherPid = Number(launcherArg);

// The launcher's terminal may be gone: a failed write must not end the clean-up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
const say = (line: string) => process.stdout.write(`[concord] ${line}\n`);

async function cleanUp(): Promise<void> {
  const state = readRunState(stateFile!);
  if (state?.launcher.pid !== launcherPid) return; // stopped in order, or already another run's file
  say(`the launcher (pid ${launcherPid}) is gone: stopping what it started`);
  await stopLeftovers(state, say);
  removeRunState(stateFile!, launcherPid);
  say('stopped');
}

function onLauncherGone(): void {
  cleanUp().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`[concord] the watchdog could not stop everything: ${err.message}\n`);
      process.exit(1);
    },
  );
}

if (!stateFile || !Number.isInteger(launcherPid) || !process.channel) {
  process.stderr.write(
    'usage: started by the npm start launcher (dist/libs/local/src/start.js), with an IPC channel\n',
  );
  process.exit(2);
}
if (process.connected) process.once('disconnect', onLauncherGone);
else onLauncherGone(); // the launcher died before we got here
