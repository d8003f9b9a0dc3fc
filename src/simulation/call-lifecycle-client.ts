import { Agent, request } from 'undici';
import type { CallEnd, CallStart } from '../../simulators/dependencies/call-lifecycle.ts';

/**
 * Tells a simulator suite in another process when calls start and end
 * (`POST <controlUrl>/calls/started|ended`), in order, in batches, without ever delaying a call:
 * `started` and `ended` only queue (a full queue drops and counts), one request is in flight at a
 * time, events queued in the same tick go together. `flush` resolves once everything queued before
 * it was sent: what a reconciliation waits for, so the CRM knows every call that was live.
 */
export interface CallLifecycleClient {
  started(start: CallStart): void;
  ended(end: CallEnd): void;
  /** Resolves when every event queued so far was answered or given up on; never rejects. */
  flush(): Promise<void>;
  /** Events the suite did not acknowledge (a refused or failed request). */
  readonly failures: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  /** Sends what is queued (bounded by the request timeout), then closes the connection. Idempotent. */
  close(): Promise<void>;
}

export interface CallLifecycleClientOptions {
  /** Timeout of each request (default 10 s). */
  readonly timeoutMs?: number;
  /** Events per request at most (default 1,000). */
  readonly maxBatch?: number;
  /** Events waiting at most (default 100,000); more are dropped and counted. */
  readonly maxQueued?: number;
}

type Queued =
  | { readonly kind: 'started'; readonly seq: number; readonly event: CallStart }
  | { readonly kind: 'ended'; readonly seq: number; readonly event: CallEnd };

export function createCallLifecycleClient(
  controlUrl: string,
  options: CallLifecycleClientOptions = {},
): CallLifecycleClient {
  const base = controlUrl.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 10_000;
  const maxBatch = options.maxBatch ?? 1000;
  const maxQueued = options.maxQueued ?? 100_000;
  const dispatcher = new Agent({ connections: 1, headersTimeout: timeout, bodyTimeout: timeout });
  const queue: Queued[] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  let seq = 0;
  let done = 0;
  let failures = 0;
  let dropped = 0;
  let pumping: Promise<void> | null = null;
  let closed = false;

  const post = async (path: string, body: unknown, count: number): Promise<void> => {
    try {
      const res = await request(`${base}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        dispatcher,
      });
      await res.body.text();
      if (res.statusCode !== 200) failures += count;
    } catch {
      failures += count;
    }
  };

  const settle = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.seq <= done) waiters.splice(i, 1)[0]!.resolve();
    }
  };

  const pump = async (): Promise<void> => {
    // Let the rest of this tick's events join the first request.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const kind = queue[0]!.kind;
      let n = 0;
      while (n < queue.length && n < maxBatch && queue[n]!.kind === kind) n++;
      const batch = queue.splice(0, n);
      await post(`calls/${kind}`, { calls: batch.map((q) => q.event) }, batch.length);
      done = batch[batch.length - 1]!.seq;
      settle();
    }
    pumping = null;
  };

  const enqueue = (item: Omit<Queued, 'seq'>) => {
    if (closed || queue.length >= maxQueued) {
      dropped++;
      return;
    }
    queue.push({ ...item, seq: ++seq } as Queued);
    pumping ??= pump();
  };

  return {
    started: (event) => enqueue({ kind: 'started', event }),
    ended: (event) => enqueue({ kind: 'ended', event }),
    flush() {
      if (done >= seq) return Promise.resolve();
      const target = seq;
      return new Promise<void>((resolve) => waiters.push({ seq: target, resolve }));
    },
    get failures() {
      return failures;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pumping;
      await dispatcher.close().catch(() => {});
    },
  };
}
