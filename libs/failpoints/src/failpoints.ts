/**
 * Named places where fault-injection tests can crash a process on purpose, e.g. between enqueueing jobs and
 * marking them relayed. Off unless `CONCORD_FAILPOINTS` names them (`relay.afterEnqueue=kill`), so a
 * production process never stops here.
 */
const armed = new Map<string, string>(
  (process.env.CONCORD_FAILPOINTS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, action = 'kill'] = entry.split('=');
      return [name!, action] as [string, string];
    }),
);

export function failpoint(name: string): void {
  const action = armed.get(name);
  if (action === 'kill') process.kill(process.pid, 'SIGKILL');
  if (action === 'throw') throw new Error(`failpoint ${name}`);
}
