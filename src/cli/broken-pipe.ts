/**
 * Whether an error means the reader of our output went away (`callstorm generate … | head`):
 * EPIPE on the write, or a write to the stream its error already destroyed.
 */
export function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Lets a command outlive the reader of its stdout: without a listener, EPIPE on process.stdout
 * is an uncaught 'error' event and a stack trace. Commands that write a stream of output notice
 * the closed pipe and stop (see runAction); a run keeps going and cleans up as usual.
 */
export function toleratePipeClosing(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error) => {
    if (!isBrokenPipe(error)) throw error;
    closed.add(stream);
  });
}

const closed = new WeakSet<NodeJS.WriteStream>();

/** Whether the reader of stdout has gone (seen by the listener toleratePipeClosing installs). */
export function stdoutClosed(): boolean {
  return closed.has(process.stdout);
}
