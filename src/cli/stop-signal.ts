/**
 * Resolves when a long-running command (`agent`, `simulators`) should stop: on SIGTERM, and on
 * SIGINT, or with `exitWithStdin` when its standard input closes instead. A child that `callstorm
 * run` ties to itself that way leaves SIGINT to the run: a terminal's Ctrl-C reaches the whole
 * process group, and the run still needs its children while it winds down (ledger.json, the
 * agent's dead-letter replay). Call it before printing the URLs a parent waits for, so that a
 * signal sent as soon as they arrive is not missed.
 */
export function stopSignal(options: { readonly exitWithStdin?: boolean | undefined }): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    if (options.exitWithStdin) {
      process.on('SIGINT', () => {});
      process.stdin.once('end', stop);
      process.stdin.once('close', stop);
      process.stdin.resume();
    } else {
      process.once('SIGINT', stop);
    }
  });
}
