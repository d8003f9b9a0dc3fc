import * as hdr from 'hdr-histogram-js';

/** A counter per reason, named on the control API. */
export type ReasonCounts = Record<string, number>;

/** What the live streams of one simulator did: `GET /__callstorm/streams`. Every counter starts at 0. */
export interface StreamStatsSnapshot {
  readonly since: string;
  readonly streams: {
    readonly opened: number;
    readonly open: number;
    /** Upgrades answered with an HTTP status instead of a stream, by status. */
    readonly refused: ReasonCounts;
    /** Closes by WebSocket close code (who closed: `server` or `client`). */
    readonly closed: { readonly server: ReasonCounts; readonly client: ReasonCounts };
    /** Streams still open `leakGraceMs` after the run said their call ended. */
    readonly leaked: number;
    /** Streams a `stream-silent` or `stream-drop` fault touched. */
    readonly silenced: number;
    readonly dropped: number;
  };
  readonly segments: {
    readonly total: number;
    readonly linked: number;
    /** Segments the linker could not tie to an utterance, by its reason. */
    readonly unlinked: ReasonCounts;
    /** Linked to an utterance the ground truth does not know (unknown call). */
    readonly unknownUtterance: number;
  };
  readonly messages: {
    readonly sent: ReasonCounts;
    readonly received: ReasonCounts;
  };
  /** Bad input, by kind; the client got the vendor's error or close code. */
  readonly badInput: ReasonCounts;
  /** Query parameters the simulator does not know (ignored, as the vendor does), by name. */
  readonly unknownParams: ReasonCounts;
  readonly audio: { readonly frames: number; readonly bytes: number; readonly seconds: number };
  /** Speech-to-text latency of finals: last speech audio in → final out (ms). */
  readonly latency: {
    readonly count: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
    /** hdr-histogram compressed base64 (merge with `decodeFromCompressedBase64` + `add`). */
    readonly histogram: string;
  };
  /**
   * What the simulator itself added to finals (ms): from reading the audio that completed the
   * endpoint to sending the final, less the latency model's and faults' intended delay.
   */
  readonly addedDelay: {
    readonly count: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  };
}

const HIGHEST_MS = 3_600_000;

function histogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MS,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

function bump(counts: ReasonCounts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Counters and the latency histogram of a simulator's live streams; the control API reads them. */
export class StreamStats {
  #since = new Date().toISOString();
  opened = 0;
  open = 0;
  leaked = 0;
  silenced = 0;
  dropped = 0;
  segments = 0;
  linked = 0;
  unknownUtterance = 0;
  frames = 0;
  bytes = 0;
  audioSeconds = 0;
  #refused: ReasonCounts = {};
  #closedServer: ReasonCounts = {};
  #closedClient: ReasonCounts = {};
  #unlinked: ReasonCounts = {};
  #sent: ReasonCounts = {};
  #received: ReasonCounts = {};
  #bad: ReasonCounts = {};
  #unknownParams: ReasonCounts = {};
  #latency = histogram();
  #added = histogram();

  refused(status: number): void {
    bump(this.#refused, String(status));
  }

  closed(by: 'server' | 'client', code: number): void {
    bump(by === 'server' ? this.#closedServer : this.#closedClient, String(code));
  }

  unlinked(reason: string): void {
    bump(this.#unlinked, reason);
  }

  sent(type: string): void {
    bump(this.#sent, type);
  }

  received(type: string): void {
    bump(this.#received, type);
  }

  badInput(kind: string): void {
    bump(this.#bad, kind);
  }

  unknownParam(name: string): void {
    bump(this.#unknownParams, name);
  }

  latencyMs(ms: number): void {
    this.#latency.recordValue(Math.max(0, Math.min(HIGHEST_MS, Math.round(ms))));
  }

  addedDelayMs(ms: number): void {
    this.#added.recordValue(Math.max(0, Math.min(HIGHEST_MS, Math.round(ms))));
  }

  reset(): void {
    this.#since = new Date().toISOString();
    this.opened = 0;
    this.leaked = 0;
    this.silenced = 0;
    this.dropped = 0;
    this.segments = 0;
    this.linked = 0;
    this.unknownUtterance = 0;
    this.frames = 0;
    this.bytes = 0;
    this.audioSeconds = 0;
    this.#refused = {};
    this.#closedServer = {};
    this.#closedClient = {};
    this.#unlinked = {};
    this.#sent = {};
    this.#received = {};
    this.#bad = {};
    this.#unknownParams = {};
    this.#latency.reset();
    this.#added.reset();
  }

  snapshot(): StreamStatsSnapshot {
    const h = this.#latency;
    const count = h.totalCount;
    const at = (p: number) => (count === 0 ? 0 : h.getValueAtPercentile(p));
    return {
      since: this.#since,
      streams: {
        opened: this.opened,
        open: this.open,
        refused: { ...this.#refused },
        closed: { server: { ...this.#closedServer }, client: { ...this.#closedClient } },
        leaked: this.leaked,
        silenced: this.silenced,
        dropped: this.dropped,
      },
      segments: {
        total: this.segments,
        linked: this.linked,
        unlinked: { ...this.#unlinked },
        unknownUtterance: this.unknownUtterance,
      },
      messages: { sent: { ...this.#sent }, received: { ...this.#received } },
      badInput: { ...this.#bad },
      unknownParams: { ...this.#unknownParams },
      audio: { frames: this.frames, bytes: this.bytes, seconds: Math.round(this.audioSeconds * 1000) / 1000 },
      latency: {
        count,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        max: count === 0 ? 0 : h.maxValue,
        histogram: hdr.encodeIntoCompressedBase64(h),
      },
      addedDelay: {
        count: this.#added.totalCount,
        p50: this.#added.totalCount === 0 ? 0 : this.#added.getValueAtPercentile(50),
        p99: this.#added.totalCount === 0 ? 0 : this.#added.getValueAtPercentile(99),
        max: this.#added.totalCount === 0 ? 0 : this.#added.maxValue,
      },
    };
  }
}
