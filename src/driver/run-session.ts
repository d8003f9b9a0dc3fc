import type { RunStatus } from '../telemetry/run-manifest.ts';
import { sleep } from '../util/abortable-sleep.ts';

/** How a run was stopped before its calls ran out. */
export type StopStatus = Exclude<RunStatus, 'running' | 'complete'>;

export interface RunSessionOptions {
  /** The caller's stop (Ctrl-C): the run ends as `interrupted`, recording what finished. */
  readonly signal?: AbortSignal | undefined;
  /** Bound on each disposer (wall ms, default 60 s): one that hangs is noted and skipped. */
  readonly disposeTimeoutMs?: number;
}

/** What happened to one resource at the end of a run. */
export interface Disposal {
  readonly name: string;
  readonly error: string | null;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * One run's lifetime: its status and reason, the signal that stops its callers, and the resources
 * it holds — simulators, chaos, the agent process, the transport, the recorder, timers — each
 * adopted with its disposer. However the run ends (normal end, Ctrl-C, a stop condition, the
 * deadline, an error), `dispose()` runs every disposer once, in reverse order of adoption, each
 * even when an earlier one failed; calling it again returns the same promise.
 */
export class RunSession {
  readonly #controller = new AbortController();
  readonly #disposers: { name: string; dispose: () => unknown }[] = [];
  readonly #notes: string[] = [];
  readonly #options: RunSessionOptions;
  #status: RunStatus = 'running';
  #reason: string | null = null;
  #error: unknown = undefined;
  #disposing: Promise<readonly Disposal[]> | null = null;
  #deadline: NodeJS.Timeout | null = null;
  #deadlineReached = false;

  constructor(options: RunSessionOptions = {}) {
    this.#options = options;
    const outer = options.signal;
    if (outer) {
      const onAbort = () =>
        this.stop('interrupted', 'interrupted (SIGINT/SIGTERM or the caller stopped the run)');
      if (outer.aborted) onAbort();
      else {
        outer.addEventListener('abort', onAbort, { once: true });
        this.defer('stop listener', () => outer.removeEventListener('abort', onAbort));
      }
    }
  }

  /** Aborts when the run is stopped: no new calls, callers in progress hang up. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get status(): RunStatus {
    return this.#status;
  }

  /** Why the run ended as it did (null for a clean complete run), with notes from the wind-down. */
  get reason(): string | null {
    const parts = [...(this.#reason ? [this.#reason] : []), ...this.#notes];
    return parts.length > 0 ? parts.join('; ') : null;
  }

  /** True once the run's deadline has passed (the run was stopped by it). */
  get deadlineReached(): boolean {
    return this.#deadlineReached;
  }

  /** Stops the run; the first stop wins, and a run whose calls have all ended cannot be stopped. */
  stop(status: StopStatus, reason: string): void {
    if (this.#controller.signal.aborted || this.#status !== 'running') return;
    this.#status = status;
    this.#reason = reason;
    this.#controller.abort(new Error(reason));
  }

  /** The calls ran out: the run is complete unless it was stopped. */
  complete(): void {
    if (this.#status === 'running') this.#status = 'complete';
  }

  /** The error the run failed with (`fail`), or undefined. */
  get error(): unknown {
    return this.#error;
  }

  /** Something threw: the run failed with that (whatever stopped it before). */
  fail(error: unknown): void {
    this.#error ??= error;
    this.#status = 'failed';
    this.#reason = message(error);
    if (!this.#controller.signal.aborted) this.#controller.abort(error);
  }

  /** Adds to the reason without changing the status. */
  note(text: string): void {
    this.#notes.push(text);
  }

  /** A wind-down problem that makes an otherwise complete run a failure (ledger.json not written). */
  degrade(text: string): void {
    if (this.#status === 'running' || this.#status === 'complete') this.#status = 'failed';
    this.note(text);
  }

  /** Ends the run after `wallMs` (`aborted`, with the reason `reason()` gives then) unless it has ended. */
  armDeadline(wallMs: number, reason: () => string): void {
    this.#deadline = setTimeout(() => {
      if (this.#status !== 'running' || this.#controller.signal.aborted) return;
      this.#deadlineReached = true;
      this.stop('aborted', reason());
    }, wallMs);
    this.defer('deadline', () => {
      if (this.#deadline) clearTimeout(this.#deadline);
    });
  }

  /** Holds a resource until the end of the run; `dispose` runs once, in reverse order of adoption. */
  adopt<T>(name: string, resource: T, dispose: (resource: T) => unknown): T {
    this.#disposers.push({ name, dispose: () => dispose(resource) });
    return resource;
  }

  /** Something to do at the end of the run, in reverse order with the resources. */
  defer(name: string, dispose: () => unknown): void {
    this.#disposers.push({ name, dispose });
  }

  /** Disposes everything, newest first; a failure is noted in the reason and the rest still run. */
  dispose(): Promise<readonly Disposal[]> {
    this.#disposing ??= (async () => {
      const timeoutMs = this.#options.disposeTimeoutMs ?? 60_000;
      const done: Disposal[] = [];
      while (this.#disposers.length > 0) {
        const { name, dispose } = this.#disposers.pop()!;
        let error: string | null = null;
        const cancel = new AbortController();
        try {
          const finished = await Promise.race([
            Promise.resolve(dispose()).then(() => true),
            sleep(timeoutMs, cancel.signal).then(() => false),
          ]);
          if (!finished) error = `did not finish within ${timeoutMs / 1000} s`;
        } catch (e) {
          error = message(e);
        } finally {
          cancel.abort();
        }
        if (error) this.note(`${name}: ${error}`);
        done.push({ name, error });
      }
      return done;
    })();
    return this.#disposing;
  }
}
