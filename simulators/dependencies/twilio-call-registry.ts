import { readTwiml } from './twiml-instructions.ts';

/** Status values of a Twilio call resource that the fake uses. */
export type TwilioCallStatus = 'in-progress' | 'completed';

/** A call as the fake Twilio REST API keeps it (keyed by its CallSid). */
export interface TwilioCall {
  readonly sid: string;
  readonly accountSid: string;
  readonly streamSid: string | null;
  readonly from: string;
  readonly to: string;
  /** The callstorm call id (`cs-<seed>-<index>`) the harness registered the call for, if any. */
  readonly callId: string | null;
  status: TwilioCallStatus;
  readonly startedAt: Date;
  endedAt: Date | null;
  /** Set once a `<Dial>`/`<Enqueue>` TwiML or a `Url` took the call off the bot. */
  transferred: boolean;
  /** REST requests the bot made for this call: GETs of the resource and POSTs to it. */
  lookups: number;
  updates: number;
}

/** What the bot did to a call by REST, in the order it happened: what the transport follows. */
export interface TwilioCallEvent {
  readonly seq: number;
  /** ISO 8601. */
  readonly at: string;
  readonly callSid: string;
  readonly callId: string | null;
  /** `hang-up`: the call ended; `transfer`: it left the bot for a person or other TwiML. */
  readonly kind: 'hang-up' | 'transfer';
  /** How: `Status=completed`, a `Twiml` document, or a `Url` to fetch TwiML from. */
  readonly via: 'status' | 'twiml' | 'url';
  /** A transfer's reason: `<Parameter name="reason" value="…"/>` in the TwiML, or `?reason=` of the Url. */
  readonly reason: string | null;
  /** A transfer's destination (the `<Dial>` target or `<Enqueue>` queue), if the TwiML named one. */
  readonly queue: string | null;
}

/** A bot's `POST …/Calls/{CallSid}.json`, form fields by name. */
export interface TwilioCallUpdate {
  readonly Status?: string;
  readonly Twiml?: string;
  readonly Url?: string;
}

/** How an update was refused, with Twilio's error code. */
export interface TwilioRefusal {
  readonly status: 400 | 404;
  readonly code: number;
  readonly message: string;
}

export interface TwilioRegistration {
  readonly callSid: string;
  readonly accountSid: string;
  readonly streamSid?: string;
  readonly from: string;
  readonly to: string;
  readonly callId?: string;
}

export interface TwilioEventPage {
  readonly events: readonly TwilioCallEvent[];
  /** Pass as `after` next time. */
  readonly next: number;
  /** Events after `after` were dropped from the bounded log before they could be read. */
  readonly missed: boolean;
}

export interface TwilioCallRegistryOptions {
  /** Calls kept (oldest dropped first; default 100,000). */
  readonly capacity?: number;
  /** Events kept for followers (default 10,000). */
  readonly eventCapacity?: number;
  readonly now?: () => Date;
}

/** Longest a follower's long poll is held open (ms). */
export const MAX_EVENT_WAIT_MS = 30_000;
const PAGE = 1_000;

/**
 * The fake Twilio's calls: what a real account would hold for calls whose `<Connect><Stream>` the
 * harness plays. The harness registers each call before it opens the bot's stream; the bot reads
 * the call (`GET`), hangs it up (`Status=completed`) or transfers it (`Twiml` with `<Dial>`, or a
 * `Url`); each hang-up and transfer becomes an event that followers read in order (long poll).
 * Twilio's semantics where they matter: `Status=canceled` does not touch a call in progress,
 * redirecting a completed call is refused (21220), hanging up a completed one is a no-op.
 */
export class TwilioCallRegistry {
  readonly #calls = new Map<string, TwilioCall>();
  readonly #events: TwilioCallEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #capacity: number;
  readonly #eventCapacity: number;
  readonly #now: () => Date;
  #seq = 0;
  #registered = 0;

  constructor(options: TwilioCallRegistryOptions = {}) {
    this.#capacity = options.capacity ?? 100_000;
    this.#eventCapacity = options.eventCapacity ?? 10_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Registers a call (idempotent for the same CallSid: the first registration stays). */
  register(r: TwilioRegistration): TwilioCall {
    const known = this.#calls.get(r.callSid);
    if (known) return known;
    const call: TwilioCall = {
      sid: r.callSid,
      accountSid: r.accountSid,
      streamSid: r.streamSid ?? null,
      from: r.from,
      to: r.to,
      callId: r.callId ?? null,
      status: 'in-progress',
      startedAt: this.#now(),
      endedAt: null,
      transferred: false,
      lookups: 0,
      updates: 0,
    };
    this.#calls.set(call.sid, call);
    this.#registered++;
    if (this.#calls.size > this.#capacity) this.#calls.delete(this.#calls.keys().next().value as string);
    return call;
  }

  get(callSid: string): TwilioCall | undefined {
    return this.#calls.get(callSid);
  }

  /** A bot's GET of the call resource. */
  lookUp(callSid: string): TwilioCall | undefined {
    const call = this.#calls.get(callSid);
    if (call) call.lookups++;
    return call;
  }

  /** A bot's POST to the call resource: the call as it is after it, or why it was refused. */
  update(callSid: string, u: TwilioCallUpdate): { call: TwilioCall } | { refused: TwilioRefusal } {
    const call = this.#calls.get(callSid);
    if (!call)
      return { refused: { status: 404, code: 20404, message: 'The requested resource was not found' } };
    call.updates++;
    const status = u.Status?.trim();
    if (status !== undefined && status !== '') {
      if (status !== 'completed' && status !== 'canceled') {
        return {
          refused: {
            status: 400,
            code: 20001,
            message: `Status must be canceled or completed, not "${status.slice(0, 40)}"`,
          },
        };
      }
      // Twilio: `canceled` hangs up queued or ringing calls only; a call in progress carries on.
      if (status === 'completed' && call.status === 'in-progress') this.#hangUp(call, 'status');
      return { call };
    }
    const twiml = u.Twiml ?? '';
    const url = u.Url ?? '';
    if (twiml === '' && url === '') {
      return {
        refused: { status: 400, code: 20001, message: 'Missing required parameter: Twiml, Url or Status' },
      };
    }
    if (call.status !== 'in-progress' || call.transferred) {
      return { refused: { status: 400, code: 21220, message: 'Call is not in-progress. Cannot redirect.' } };
    }
    if (twiml !== '') {
      const read = readTwiml(twiml);
      if (read.transfer) this.#transfer(call, 'twiml', read.reason, read.queue);
      // TwiML that transfers no one runs and ends: the call is over once its verbs have played.
      else this.#hangUp(call, 'twiml');
      return { call };
    }
    this.#transfer(call, 'url', reasonOfUrl(url), null);
    return { call };
  }

  /** The harness's side: the stream is over (the caller hung up, or the call ended after a transfer). */
  ended(callSid: string): TwilioCall | undefined {
    const call = this.#calls.get(callSid);
    if (call && call.status === 'in-progress') {
      call.status = 'completed';
      call.endedAt = this.#now();
    }
    return call;
  }

  /** Events with seq > `after`, oldest first, at most 1,000. */
  eventsAfter(after: number): TwilioEventPage {
    const oldest = this.#events[0]?.seq ?? this.#seq + 1;
    const events = this.#events.filter((e) => e.seq > after).slice(0, PAGE);
    return {
      events,
      next: events.length > 0 ? events[events.length - 1]!.seq : Math.max(after, this.#seq),
      missed: after < oldest - 1 && after < this.#seq,
    };
  }

  /** Like eventsAfter, but waits up to `waitMs` (≤ MAX_EVENT_WAIT_MS) for one if there is none yet. */
  async waitForEvents(after: number, waitMs: number): Promise<TwilioEventPage> {
    const page = this.eventsAfter(after);
    if (page.events.length > 0 || waitMs <= 0) return page;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(waitMs, MAX_EVENT_WAIT_MS));
      timer.unref();
      this.#waiters.add(done);
    });
    return this.eventsAfter(after);
  }

  /** Releases every long poll now (the host is closing). */
  releaseWaiters(): void {
    for (const done of [...this.#waiters]) done();
  }

  summary(): {
    registered: number;
    held: number;
    inProgress: number;
    hangUps: number;
    transfers: number;
    lastSeq: number;
    recent: readonly TwilioCallEvent[];
  } {
    let inProgress = 0;
    for (const c of this.#calls.values()) if (c.status === 'in-progress') inProgress++;
    return {
      registered: this.#registered,
      held: this.#calls.size,
      inProgress,
      hangUps: this.#events.filter((e) => e.kind === 'hang-up').length,
      transfers: this.#events.filter((e) => e.kind === 'transfer').length,
      lastSeq: this.#seq,
      recent: this.#events.slice(-20),
    };
  }

  reset(): void {
    this.#calls.clear();
    this.#events.length = 0;
    this.#registered = 0;
    this.releaseWaiters();
  }

  #hangUp(call: TwilioCall, via: TwilioCallEvent['via']): void {
    call.status = 'completed';
    call.endedAt = this.#now();
    this.#emit(call, { kind: 'hang-up', via, reason: null, queue: null });
  }

  #transfer(
    call: TwilioCall,
    via: TwilioCallEvent['via'],
    reason: string | null,
    queue: string | null,
  ): void {
    call.transferred = true;
    this.#emit(call, { kind: 'transfer', via, reason, queue });
  }

  #emit(call: TwilioCall, e: Pick<TwilioCallEvent, 'kind' | 'via' | 'reason' | 'queue'>): void {
    this.#events.push({
      seq: ++this.#seq,
      at: this.#now().toISOString(),
      callSid: call.sid,
      callId: call.callId,
      ...e,
    });
    if (this.#events.length > this.#eventCapacity) this.#events.shift();
    for (const done of [...this.#waiters]) done();
  }
}

/** `reason` of a redirect URL's query, if it has one. */
function reasonOfUrl(url: string): string | null {
  try {
    return new URL(url, 'http://twiml.invalid').searchParams.get('reason') || null;
  } catch {
    return null;
  }
}
