import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import type { TwilioCallEvent } from '../../../simulators/dependencies/twilio-call-registry.ts';
import type { AgentFailureKind, CallEnding, CallObservation } from '../call-observation.ts';
import type { RunClock } from '../run-clock.ts';
import { parseBotMessage } from './bot-message.ts';
import type { CallerEnd, CallerTimeline } from './caller-timeline.ts';
import { PlaybackBuffer } from './playback-buffer.ts';
import { twilioObservation } from './twilio-observation.ts';
import type { TwilioRestFollower } from './twilio-rest-follower.ts';
import { WireMeter } from './wire-meter.ts';

/** How the line reports what happened to it; the first report that ends the call wins. */
export interface StreamEvents {
  /** The upgrade failed (refused, HTTP error, network). */
  connectFailed(f: { kind: AgentFailureKind; status: number | null; message: string }): void;
  /** Nobody answered within the caller's patience (the handshake timed out). */
  notAnswered(): void;
  /** The caller's state machine ended the call. */
  callerEnded(end: CallerEnd): void;
  /** The bot stopped reading: our queue towards it passed the cap. */
  botStalled(message: string): void;
  /** The WebSocket closed (whoever started it). */
  socketClosed(code: number, reason: string): void;
}

/** The line of one call, as the session drives it: `hangUp` sends `stop` and closes (1000). */
export interface StreamLine {
  hangUp(): void;
}

export interface StreamSessionOptions {
  readonly plan: CallPlan;
  readonly clock: RunClock;
  readonly startLagMs: number;
  readonly follower: TwilioRestFollower;
  readonly callSid: string;
  readonly restGraceMs: number;
  readonly playbackCapBytes: number;
}

const NORMAL_CLOSE = new Set([1000, 1001, 1005]);

/**
 * One call's ending logic, whatever reports it first: the caller (done, or hung up on dead air),
 * the bot's REST hang-up or transfer (the fake Twilio's event: the stream then stops, as Twilio
 * stops it), the bot closing the socket (then its REST request is waited for a moment: Pipecat
 * closes 10 ms after the POST returns; without one, a clean close after the bot has spoken is the
 * bot hanging up, anything else a failure with the close code), a connection that never opened,
 * or the run stopping the call. Also reads the bot's messages into the playback buffer.
 */
export class StreamSession {
  opened = false;
  meter: WireMeter | null = null;
  timeline: CallerTimeline | null = null;
  readonly playback: PlaybackBuffer;
  readonly #o: StreamSessionOptions;
  readonly #dialledAt = performance.now();
  #settled = false;
  #socketError: string | null = null;
  #graceTimer: NodeJS.Timeout | null = null;
  #closed: { code: number; reason: string; at: number } | null = null;
  #finish: (
    ending: CallEnding,
    why: string,
    close: { code: number | null; by: 'caller' | 'bot' | 'none' },
    at?: number,
  ) => void = () => {};
  #fail: (error: unknown) => void = () => {};

  constructor(options: StreamSessionOptions) {
    this.#o = options;
    this.playback = new PlaybackBuffer(options.playbackCapBytes);
  }

  run(signal: AbortSignal, connect: (events: StreamEvents) => StreamLine): Promise<CallObservation> {
    const o = this.#o;
    return new Promise<CallObservation>((resolve, reject) => {
      let line: StreamLine | null = null;
      const unwatch = o.follower.watch(o.callSid, (e) => this.#restEvent(e));
      const cleanUp = () => {
        this.#settled = true;
        if (this.#graceTimer) clearTimeout(this.#graceTimer);
        unwatch();
        signal.removeEventListener('abort', onAbort);
        o.follower.ended(o.callSid);
      };
      const onAbort = () => {
        if (this.#settled) return;
        cleanUp();
        line?.hangUp();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#fail = (error) => {
        if (this.#settled) return;
        cleanUp();
        line?.hangUp();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      this.#finish = (ending, why, close, at = performance.now()) => {
        if (this.#settled) return;
        cleanUp();
        if (close.by === 'caller') line?.hangUp();
        const meter = this.meter ?? new WireMeter(this.#dialledAt);
        meter.ended(at);
        resolve(
          twilioObservation({
            plan: o.plan,
            clock: o.clock,
            startLagMs: o.startLagMs,
            ending,
            endReason: why,
            endedWallMs: at,
            meter,
            close,
            playback: {
              droppedBytes: this.playback.droppedBytes,
              capBytes: this.playback.capBytes,
              peakBytes: this.playback.peakBytes,
            },
          }),
        );
      };
      line = connect(this.#events());
    });
  }

  /** The harness itself failed mid-call (rendering caller speech): the call is not judged. */
  harnessFailed(error: unknown): void {
    this.#fail(error);
  }

  noteSocketError(message: string): void {
    this.#socketError ??= message;
  }

  onBotMessage(
    data: Buffer,
    isBinary: boolean,
    streamSid: string,
    echo: (marks: readonly string[]) => void,
  ): void {
    const meter = this.meter;
    if (this.#settled || !meter) return;
    const m = parseBotMessage(data, isBinary, streamSid);
    if (m.kind === 'malformed') {
      meter.malformed(m.reason);
      return;
    }
    if (m.kind === 'ignored') return;
    if (!m.streamSidOk) meter.malformed(`${m.kind} without this stream's streamSid`);
    const now = performance.now();
    if (m.kind === 'media') {
      meter.botMedia(now, m.audio.length);
      this.playback.pushAudio(m.audio);
    } else if (m.kind === 'mark') {
      meter.markReceived();
      this.playback.pushMark(m.name);
    } else {
      meter.clear(now);
      echo(this.playback.clear());
    }
  }

  #atTurn(): number {
    return this.timeline?.atTurn ?? 0;
  }

  #events(): StreamEvents {
    const none = { code: null, by: 'none' } as const;
    return {
      connectFailed: (f) => this.#finish({ by: 'failure', atTurn: 0, ...f }, f.message, none),
      notAnswered: () => {
        const waitedMs = performance.now() - this.#dialledAt;
        this.#finish(
          { by: 'caller-abandoned', atTurn: 0, waitedMs },
          `the bot did not answer the stream within the caller's patience (${this.#o.plan.patienceMs} ms)`,
          none,
        );
      },
      callerEnded: (end) => {
        const why =
          end.by === 'caller-abandoned'
            ? end.why
            : `the caller said all ${this.#o.plan.turns.length} turn(s) and hung up; the bot did not end the call`;
        const ending: CallEnding =
          end.by === 'caller-abandoned'
            ? { by: 'caller-abandoned', atTurn: end.atTurn, waitedMs: end.waitedMs }
            : { by: 'caller-done', atTurn: end.atTurn };
        // Ended at the media time the caller decided (a frame's due time), so the wire figures agree
        // with the ending: dead air of exactly the patience, not a timer's early or late firing.
        this.#finish(ending, why, { code: 1000, by: 'caller' }, end.at);
      },
      botStalled: (message) =>
        this.#finish(
          { by: 'failure', atTurn: this.#atTurn(), kind: 'timeout', status: null, message },
          message,
          { code: 1000, by: 'caller' },
        ),
      socketClosed: (code, reason) => {
        if (this.#settled || this.#closed) return;
        this.#closed = { code, reason, at: performance.now() };
        // The bot closed first: its REST hang-up or transfer may still be on its way.
        this.#graceTimer = setTimeout(() => this.#closedWithoutRest(), this.#o.restGraceMs);
      },
    };
  }

  #restEvent(e: TwilioCallEvent): void {
    if (this.#settled) return;
    const atTurn = this.#atTurn();
    const closed = this.#closed;
    const close = closed ? { code: closed.code, by: 'bot' as const } : { code: 1000, by: 'caller' as const };
    const at = closed?.at;
    if (e.kind === 'hang-up') {
      const how = e.via === 'status' ? 'POST Status=completed' : 'TwiML that transfers no one';
      this.#finish({ by: 'agent-end', atTurn }, `the bot hung up by REST (${how})`, close, at);
      return;
    }
    const reason = e.reason ?? 'unspecified';
    const queue = e.queue ?? 'default';
    const how = e.via === 'url' ? 'a Url redirect' : 'TwiML with <Dial>';
    this.#finish(
      { by: 'agent-transfer', atTurn, reason, queue },
      `the bot transferred the call by REST (${how}), reason ${reason}, to ${queue}`,
      close,
      at,
    );
  }

  #closedWithoutRest(): void {
    const c = this.#closed!;
    const spoke = this.meter?.greetingLatencyMs != null;
    const close = { code: c.code, by: 'bot' as const };
    const said = c.reason ? ` ("${c.reason}")` : '';
    if (NORMAL_CLOSE.has(c.code) && spoke) {
      this.#finish(
        { by: 'agent-end', atTurn: this.#atTurn() },
        `the bot closed the stream (code ${c.code}${said}) without a REST hang-up or transfer`,
        close,
        c.at,
      );
      return;
    }
    const error = this.#socketError ? `: ${this.#socketError}` : '';
    const message = `the bot closed the stream with code ${c.code}${said}${spoke ? '' : ' before it said anything'}${error}`;
    this.#finish(
      {
        by: 'failure',
        atTurn: this.#atTurn(),
        kind: c.code === 1006 ? 'network-error' : 'protocol-error',
        status: null,
        message,
      },
      message,
      close,
      c.at,
    );
  }
}
