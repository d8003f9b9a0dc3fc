import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { sleep } from '../util/abortable-sleep.ts';

/**
 * How `startChild` knows a child is ready. `wait` resolves with what the caller needs from a
 * ready child (a parsed line, nothing); `startChild` races it against the child's exit and a
 * timeout, and aborts `signal` when either wins.
 */
export interface ChildReadiness<T> {
  /** What the child failed to do in time, for the error: `printed no URLs`, … */
  readonly notReady: string;
  wait(child: ChildProcess, signal: AbortSignal): Promise<T>;
}

/** Longest ready line read (a child that prints megabytes without a newline is not ready). */
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Ready when the child prints its first line on stdout; `parse` turns it into the result (a throw
 * fails the start with its message). The rest of stdout is read and dropped, so a chatty child
 * never blocks on a full pipe. Needs a piped stdout (no `logFile`).
 */
export function readyLine<T>(
  parse: (line: string) => T,
  notReady = 'printed no ready line',
): ChildReadiness<T> {
  return {
    notReady,
    wait(child, signal) {
      const stdout = child.stdout;
      if (!stdout)
        return Promise.reject(new Error('its stdout is not a pipe, so it cannot print a ready line'));
      return new Promise<T>((resolve, reject) => {
        let buffered = '';
        const finish = (settle: () => void) => {
          stdout.off('data', onData);
          signal.removeEventListener('abort', onAbort);
          stdout.on('data', () => {});
          settle();
        };
        const onData = (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const end = buffered.indexOf('\n');
          if (end < 0) {
            if (buffered.length > MAX_LINE_CHARS)
              finish(() => reject(new Error(`printed ${buffered.length} characters without a newline`)));
            return;
          }
          const line = buffered.slice(0, end).replace(/\r$/, '');
          finish(() => {
            try {
              resolve(parse(line));
            } catch (error) {
              reject(error);
            }
          });
        };
        const onAbort = () => finish(() => reject(signal.reason));
        // An end of stdout without a line is reported by the exit (or the timeout) that follows.
        stdout.on('data', onData);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/**
 * Ready when `host:port` accepts a TCP connection (what Playwright's `webServer` waits for), tried
 * every `intervalMs` until the start is aborted.
 */
export function acceptsConnections(port: number, host = '127.0.0.1', intervalMs = 50): ChildReadiness<void> {
  return {
    notReady: `accepted no connection on ${host.includes(':') ? `[${host}]` : host}:${port}`,
    async wait(_child, signal) {
      while (!signal.aborted) {
        if (await tryConnect(host, port, signal)) return;
        await sleep(intervalMs, signal);
      }
      throw signal.reason;
    },
  };
}

/** Ready as soon as it has been spawned (its exit during start-up is still an error). */
export const readyAtOnce: ChildReadiness<void> = {
  notReady: 'did not start',
  wait: async () => undefined,
};

function tryConnect(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = () => done(false);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
