/**
 * Ties the API or the worker to the `npm start` launcher that runs it: once the launcher is gone, however it
 * went (Ctrl-C, a crash, SIGKILL), the process shuts down as on SIGTERM, gracefully and at once, instead of
 * living on without its partner (an API that answers health checks while no worker runs).
 *
 * The launcher spawns its apps with an IPC channel. The kernel closes it when the launcher's process ends,
 * whatever ended it, and Node reports that as 'disconnect': an event, on Linux and macOS alike, where a pid
 * could only be polled. Started any other way (Docker, systemd, tests) a process has no channel, and this
 * does nothing.
 */
export function stopWithLauncher(): void {
  if (!process.channel) return;
  // Nobody reads our output once the launcher is gone: a write would fail (EPIPE) and cut the shutdown short.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  // Nest's shutdown hooks handle SIGTERM (and ignore a second one); before they are in place it simply ends us.
  const stop = () => process.kill(process.pid, 'SIGTERM');
  if (!process.connected) {
    stop();
    return;
  }
  process.once('disconnect', stop);
  // The channel must not keep the process alive by itself once the app has closed.
  process.channel.unref();
}
