/** A call as the run announced it: who is calling, about which account, and when it lived (epoch ms). */
export interface CallLife {
  readonly callId: string;
  /** The caller's number, normalised (`07…`), or null when the run did not say. */
  readonly from: string | null;
  readonly accountId: string | null;
  readonly startedAt: number;
  /** Null while the call is live. */
  readonly endedAt: number | null;
}

export interface CallStart {
  readonly callId: string;
  readonly from?: string | undefined;
  readonly accountId?: string | undefined;
  /** Epoch ms at which the call started (the driver's clock, the simulators' too: one machine). */
  readonly at: number;
}

export interface CallEnd {
  readonly callId: string;
  readonly at: number;
}

/** What a request or write touches that a call can own: an account, a phone number. */
export interface CallTouch {
  readonly accountId?: string | undefined;
  readonly phone?: string | undefined;
}

/**
 * How long after a call ended a request still counts as inside its lifetime (ms): a write the
 * agent had in flight when the caller hung up lands a moment later.
 */
export const DEFAULT_END_GRACE_MS = 2000;

/** A UK number as the CRM dataset writes it: spaces, brackets and dashes dropped, `+44` → `0`. */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s()-]/g, '').replace(/^\+44/, '0');
}

type Listener = (callId: string, at: number) => void;

/**
 * Which calls are live, with their caller's number and account: what the run tells the
 * simulators as calls start and end (`POST /__callstorm/calls/started|ended`). One registry per
 * suite, shared by every simulator: the CRM attributes writes that name no call by it, the live
 * streams count what outlives its call. Calls are kept for the run's lifetime (a few hundred bytes
 * each).
 */
export class CallLifecycle {
  readonly #calls = new Map<string, CallLife>();
  readonly #byAccount = new Map<string, CallLife[]>();
  readonly #byPhone = new Map<string, CallLife[]>();
  readonly #listeners: Listener[] = [];
  readonly endGraceMs: number;

  constructor(options: { endGraceMs?: number } = {}) {
    this.endGraceMs = options.endGraceMs ?? DEFAULT_END_GRACE_MS;
  }

  /** A call started. A second start of the same id is ignored (the first one wins). */
  started(start: CallStart): void {
    if (this.#calls.has(start.callId)) return;
    const life: CallLife = {
      callId: start.callId,
      from: start.from ? normalisePhone(start.from) : null,
      accountId: start.accountId ?? null,
      startedAt: start.at,
      endedAt: null,
    };
    this.#calls.set(life.callId, life);
    if (life.accountId !== null) push(this.#byAccount, life.accountId, life);
    if (life.from !== null) push(this.#byPhone, life.from, life);
  }

  /**
   * A call ended: every listener hears of it (the live streams count what outlives it), known
   * call or not. The first end wins; an end stamped before the start counts as the start.
   */
  ended(end: CallEnd): void {
    const life = this.#calls.get(end.callId);
    if (life && life.endedAt === null) {
      const at = Math.max(end.at, life.startedAt);
      const ended: CallLife = { ...life, endedAt: at };
      this.#calls.set(life.callId, ended);
      if (life.accountId !== null) replace(this.#byAccount, life.accountId, ended);
      if (life.from !== null) replace(this.#byPhone, life.from, ended);
    }
    for (const listener of this.#listeners) listener(end.callId, end.at);
  }

  onEnded(listener: Listener): void {
    this.#listeners.push(listener);
  }

  get(callId: string): CallLife | undefined {
    return this.#calls.get(callId);
  }

  get size(): number {
    return this.#calls.size;
  }

  /** True when the call was live at `at` (from its start to its end plus the grace). */
  isLiveAt(life: CallLife, at: number): boolean {
    return life.startedAt <= at && (life.endedAt === null || at <= life.endedAt + this.endGraceMs);
  }

  /**
   * The calls live at `at` that the request touches: whose account it names, or whose caller's
   * number it names. Each call once, in the order they started.
   */
  ownersAt(at: number, touch: CallTouch): CallLife[] {
    const found = new Map<string, CallLife>();
    const consider = (list: readonly CallLife[] | undefined) => {
      for (const life of list ?? []) if (this.isLiveAt(life, at)) found.set(life.callId, life);
    };
    if (touch.accountId) consider(this.#byAccount.get(touch.accountId));
    if (touch.phone) consider(this.#byPhone.get(normalisePhone(touch.phone)));
    return [...found.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** True when the request touches this call (its account or its caller's number). */
  touches(life: CallLife, touch: CallTouch): boolean {
    return (
      (touch.accountId !== undefined && touch.accountId === life.accountId) ||
      (touch.phone !== undefined && life.from !== null && normalisePhone(touch.phone) === life.from)
    );
  }

  clear(): void {
    this.#calls.clear();
    this.#byAccount.clear();
    this.#byPhone.clear();
  }
}

function push(map: Map<string, CallLife[]>, key: string, life: CallLife): void {
  const list = map.get(key);
  if (list) list.push(life);
  else map.set(key, [life]);
}

function replace(map: Map<string, CallLife[]>, key: string, life: CallLife): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.findIndex((l) => l.callId === life.callId);
  if (at >= 0) list[at] = life;
}
