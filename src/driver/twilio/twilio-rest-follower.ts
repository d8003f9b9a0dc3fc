import { Agent, request } from 'undici';
import { z } from 'zod';
import type {
  TwilioCallEvent,
  TwilioRegistration,
} from '../../../simulators/dependencies/twilio-call-registry.ts';
import { sleep } from '../../util/abortable-sleep.ts';

const eventSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  callSid: z.string(),
  callId: z.string().nullable(),
  kind: z.enum(['hang-up', 'transfer']),
  via: z.enum(['status', 'twiml', 'url']),
  reason: z.string().nullable(),
  queue: z.string().nullable(),
});
const pageSchema = z.object({ events: z.array(eventSchema), next: z.number().int(), missed: z.boolean() });
const summarySchema = z.object({ lastSeq: z.number().int() });

export interface TwilioRestFollowerOptions {
  /** How long one long poll is held open by the fake Twilio (ms, default 10 s). */
  readonly pollWaitMs?: number;
  /** Deadline of a registration (ms, default 5 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * The transport's side of the fake Twilio REST API's control endpoints (docs/twilio.md): it
 * registers each call before its stream opens, tells the fake when a stream is over, and follows
 * the hang-ups and transfers bots make by REST with one long poll for all calls
 * (`POST <control>/twilio/events {after, waitMs}`), handing each event to the call it names as
 * it happens. An event for a call nobody watches yet is kept a minute for a late watcher.
 */
export class TwilioRestFollower {
  readonly #base: string;
  readonly #pollWaitMs: number;
  readonly #timeoutMs: number;
  readonly #requests: Agent;
  readonly #polls: Agent;
  readonly #watchers = new Map<string, (event: TwilioCallEvent) => void>();
  readonly #unclaimed = new Map<string, { event: TwilioCallEvent; at: number }>();
  readonly #stop = new AbortController();
  #cursor: number | null = null;
  #started: Promise<void> | null = null;
  #loop: Promise<void> | null = null;
  #pollFailures = 0;
  #missed = 0;

  constructor(controlUrl: string, options: TwilioRestFollowerOptions = {}) {
    this.#base = controlUrl.replace(/\/+$/, '');
    this.#pollWaitMs = options.pollWaitMs ?? 10_000;
    this.#timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#requests = new Agent({
      connections: 16,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    this.#polls = new Agent({
      connections: 1,
      headersTimeout: this.#pollWaitMs + 10_000,
      bodyTimeout: this.#pollWaitMs + 10_000,
    });
  }

  /** Failed long polls so far, and events the fake's bounded log dropped before they were read. */
  get health(): { readonly pollFailures: number; readonly missed: number } {
    return { pollFailures: this.#pollFailures, missed: this.#missed };
  }

  /** Registers a call with the fake Twilio; rejects if it does not take it (the call cannot be followed). */
  async register(call: TwilioRegistration): Promise<void> {
    this.#started ??= this.#start();
    try {
      await this.#started;
    } catch (error) {
      this.#started = null;
      throw error;
    }
    await this.#post('twilio/calls', call, this.#requests, AbortSignal.timeout(this.#timeoutMs));
  }

  /** The stream of a call is over (the fake marks the call completed). Fire and forget. */
  ended(callSid: string): void {
    void this.#post(
      'twilio/calls/ended',
      { callSid },
      this.#requests,
      AbortSignal.timeout(this.#timeoutMs),
    ).catch(() => {});
  }

  /** Calls `listener` with each REST event of this call; returns the unsubscribe. */
  watch(callSid: string, listener: (event: TwilioCallEvent) => void): () => void {
    this.#watchers.set(callSid, listener);
    const early = this.#unclaimed.get(callSid);
    if (early) {
      this.#unclaimed.delete(callSid);
      queueMicrotask(() => listener(early.event));
    }
    return () => {
      if (this.#watchers.get(callSid) === listener) this.#watchers.delete(callSid);
    };
  }

  async close(): Promise<void> {
    this.#stop.abort(new Error('the Twilio transport closed'));
    await this.#loop?.catch(() => {});
    await Promise.all([this.#requests.close(), this.#polls.close()]);
  }

  /** Learns where the event log stands (events before this run's calls are not ours), then polls. */
  async #start(): Promise<void> {
    if (this.#stop.signal.aborted) throw new Error('the Twilio transport is closed');
    const res = await request(`${this.#base}/twilio`, {
      dispatcher: this.#requests,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const body = await res.body.json();
    if (res.statusCode !== 200) throw new Error(`GET ${this.#base}/twilio answered ${res.statusCode}`);
    this.#cursor = summarySchema.parse(body).lastSeq;
    this.#loop = this.#poll();
  }

  async #poll(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        const page = pageSchema.parse(
          await this.#post(
            'twilio/events',
            { after: this.#cursor, waitMs: this.#pollWaitMs },
            this.#polls,
            signal,
          ),
        );
        if (page.missed) this.#missed++;
        this.#cursor = page.next;
        for (const event of page.events) this.#deliver(event);
        this.#pollFailures = 0;
      } catch {
        if (signal.aborted) return;
        this.#pollFailures++;
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(this.#pollFailures, 5)), signal);
      }
    }
  }

  #deliver(event: TwilioCallEvent): void {
    const listener = this.#watchers.get(event.callSid);
    if (listener) {
      listener(event);
      return;
    }
    const now = performance.now();
    for (const [sid, u] of this.#unclaimed) if (now - u.at > 60_000) this.#unclaimed.delete(sid);
    this.#unclaimed.set(event.callSid, { event, at: now });
  }

  async #post(path: string, body: unknown, dispatcher: Agent, signal: AbortSignal): Promise<unknown> {
    const res = await request(`${this.#base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher,
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw new Error(`POST ${this.#base}/${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }
}
