import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { CallstormError } from '../errors/callstorm-error.ts';
import { startReaper } from '../process/reaper.ts';
import { requireLoopbackUrl } from './loopback-url.ts';

/** Where `npm run setup:toxiproxy` installs the server. */
export const BUNDLED_TOXIPROXY_SERVER = fileURLToPath(
  new URL('../../.tools/toxiproxy-server', import.meta.url),
);

/**
 * `external`: TOXIPROXY_URL (someone else's server, left running); `spawned`: callstorm started
 * `.tools/toxiproxy-server` and stops it; `emulated`: no Toxiproxy, network faults are emulated
 * inside the simulators.
 */
export type ToxiproxyMode = 'external' | 'spawned' | 'emulated';

export interface ToxiproxyProvision {
  readonly mode: ToxiproxyMode;
  /** The API base URL, null when emulated. */
  readonly url: string | null;
  readonly client: Toxiproxy | null;
  /** Why this mode, in words for the manifest and the report. */
  readonly reason: string;
  /** Process id of a spawned server, else null. */
  readonly pid: number | null;
  /** True when a spawned server is no longer running (nothing configured in it survives). */
  readonly gone: boolean;
  /** Stops a spawned server (bounded); does nothing for external or emulated. Idempotent. */
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** Defaults to `process.env.TOXIPROXY_URL`; must be a loopback http URL. `null`: ignore the environment. */
  readonly url?: string | null | undefined;
  /** Defaults to `.tools/toxiproxy-server`. */
  readonly serverPath?: string;
  /** Skip Toxiproxy even if one is available (network faults emulated). */
  readonly emulate?: boolean;
  /** `-seed` for a spawned server (toxicity draws). */
  readonly seed?: number;
  /** How long to wait for `GET /version` (ms, default 5000). */
  readonly startTimeoutMs?: number;
}

/** Asks `GET /version`, within `timeoutMs`. */
export async function toxiproxyVersion(url: string, timeoutMs = 2000): Promise<string> {
  const res = await fetch(new URL('/version', url), { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET /version answered ${res.status}`);
  const text = (await res.text()).trim();
  try {
    return String((JSON.parse(text) as { version?: unknown }).version ?? text);
  } catch {
    return text;
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Finds or starts a Toxiproxy: TOXIPROXY_URL, else `.tools/toxiproxy-server`, else emulated. */
export async function provisionToxiproxy(options: ProvisionOptions = {}): Promise<ToxiproxyProvision> {
  const url = options.url === undefined ? process.env['TOXIPROXY_URL'] : options.url;
  if (options.emulate) return emulated('Toxiproxy turned off for this run');
  if (url) {
    const base = requireLoopbackUrl(url, 'TOXIPROXY_URL').origin;
    try {
      const version = await toxiproxyVersion(base);
      return {
        mode: 'external',
        url: base,
        client: new Toxiproxy(base),
        reason: `TOXIPROXY_URL ${base} (version ${version})`,
        pid: null,
        gone: false,
        stop: async () => {},
      };
    } catch (error) {
      throw new CallstormError(
        'CS_ERR_TOXIPROXY_UNAVAILABLE',
        { url: base, reason: describeError(error) },
        { cause: error },
      );
    }
  }
  const serverPath = options.serverPath ?? BUNDLED_TOXIPROXY_SERVER;
  if (!existsSync(serverPath)) {
    return emulated(`no TOXIPROXY_URL and no ${serverPath} (run \`npm run setup:toxiproxy\`)`);
  }
  return spawnToxiproxy(serverPath, options.seed ?? 1, options.startTimeoutMs ?? 5000);
}

function emulated(reason: string): ToxiproxyProvision {
  return { mode: 'emulated', url: null, client: null, reason, pid: null, gone: true, stop: async () => {} };
}

async function spawnToxiproxy(
  serverPath: string,
  seed: number,
  timeoutMs: number,
): Promise<ToxiproxyProvision> {
  let lastError = '';
  // A free port can be taken between the probe and the server's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(serverPath, ['-host', '127.0.0.1', '-port', String(port), '-seed', String(seed)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    child.once('error', (error) => {
      lastError = error.message;
    });
    const ready = await waitForVersion(url, timeoutMs, () => gone);
    if (ready === null) {
      // The 'exit' hook covers a normal end and Ctrl-C; the reaper a SIGKILL, after which the server,
      // its proxies and their toxics would outlive the run (toxiproxy-server exits on SIGTERM).
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      const reaper = child.pid === undefined ? null : startReaper({ pid: child.pid });
      child.unref();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      return {
        mode: 'spawned',
        url,
        client: new Toxiproxy(url),
        reason: `started ${serverPath} on 127.0.0.1:${port}`,
        pid: child.pid ?? null,
        get gone() {
          return gone;
        },
        stop: once(async () => {
          process.removeListener('exit', killOnExit);
          reaper?.cancel();
          await stopChild(child, exited, () => gone);
        }),
      };
    }
    lastError = `${ready}${stderrTail ? `; server said: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
    await stopChild(child, exited, () => gone);
  }
  throw new CallstormError('CS_ERR_TOXIPROXY_UNAVAILABLE', { url: serverPath, reason: lastError });
}

/** null when ready, else why not. */
async function waitForVersion(url: string, timeoutMs: number, exited: () => boolean): Promise<string | null> {
  const deadline = performance.now() + timeoutMs;
  let why = 'not answering';
  while (performance.now() < deadline) {
    if (exited()) return 'the server exited at start';
    try {
      await toxiproxyVersion(url, 500);
      return null;
    } catch (error) {
      why = describeError(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return `GET /version did not answer within ${timeoutMs} ms (${why})`;
}

async function stopChild(child: ChildProcess, exited: Promise<void>, gone: () => boolean): Promise<void> {
  if (gone()) return;
  child.kill('SIGTERM');
  const timer = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  if ((await Promise.race([exited, timer(2000)])) === 'timeout') {
    child.kill('SIGKILL');
    await Promise.race([exited, timer(1000)]);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
