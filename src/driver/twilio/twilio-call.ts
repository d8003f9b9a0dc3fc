import WebSocket from 'ws';
import type { PlannedTurn } from '../../../simulators/callers/call-plan.ts';
import type { AnnouncePlayback, CallSetup } from '../agent-transport.ts';
import type { CallObservation } from '../call-observation.ts';
import type { CallerSpeech } from '../caller-speech-pool.ts';
import { BotSpeechDetector } from './bot-speech-detector.ts';
import { CallerTimeline } from './caller-timeline.ts';
import type { MediaClock, MediaParticipant } from './media-clock.ts';
import { MediaStreamMessages } from './media-stream-messages.ts';
import type { RepromptCheck } from './reprompt-check.ts';
import { SpeechLevelMeter } from './speech-level-meter.ts';
import { streamIdsFor } from './stream-ids.ts';
import { StreamSession } from './stream-session.ts';
import type { TwilioRestFollower } from './twilio-rest-follower.ts';
import { FRAME_BYTES, type UtteranceFrames, utteranceFrames } from './utterance-frames.ts';
import { WireMeter } from './wire-meter.ts';

/** The Twilio caller's tunables (docs/twilio.md lists the defaults and why). */
export interface TwilioCallSettings {
  /** Quiet after the bot's last loud frame before the caller takes its turn (ms). */
  readonly hangoverMs: number;
  /** A played frame at or above this RMS level is bot speech (dBFS). */
  readonly speechThresholdDbfs: number;
  /** Bot audio the caller's playback buffer holds at most (ms). */
  readonly playbackCapMs: number;
  /** After its last turn's reply, how long the caller waits for the bot to end the call (ms). */
  readonly closeWaitMs: number;
  /** After the bot closes the socket, how long to wait for its REST hang-up or transfer (ms). */
  readonly restGraceMs: number;
  /** Bytes queued towards a bot that stopped reading before the call fails. */
  readonly maxQueuedBytes: number;
}

export const DEFAULT_TWILIO_CALL_SETTINGS: TwilioCallSettings = {
  hangoverMs: 700,
  speechThresholdDbfs: -45,
  playbackCapMs: 30_000,
  closeWaitMs: 4_000,
  restGraceMs: 1_500,
  maxQueuedBytes: 4 * 1024 * 1024,
};

/** What every call of a Twilio transport shares. */
export interface TwilioCallContext {
  readonly wsUrl: string;
  readonly clock: MediaClock;
  readonly follower: TwilioRestFollower;
  readonly speech: CallerSpeech;
  readonly announce?: AnnouncePlayback;
  readonly reprompts: RepromptCheck | null;
  readonly accountSid: string;
  /** The number the callers dial (`to`). */
  readonly toNumber: string;
  readonly settings: TwilioCallSettings;
  /** Open sockets, for the transport's close(). */
  readonly sockets: Set<WebSocket>;
  /** Each frame's lateness against its tick, and its jitter (lateness less the stream's least so far). */
  readonly onFrameSent?: (lateMs: number, jitterMs: number) => void;
}

/** `+447…` from a UK national number `07…` (Twilio gives E.164). */
export function e164(number: string): string {
  const digits = number.replace(/[\s()-]/g, '');
  return digits.startsWith('0') ? `+44${digits.slice(1)}` : digits;
}

/**
 * Plays one call as Twilio would: registers it with the fake Twilio REST API, opens the bot's
 * WebSocket, sends `connected` and `start`, then — on the shared media clock — one 20 ms `media`
 * frame per tick (the caller's speech or silence) while playing out what the bot sends, with the
 * caller's state machine deciding when to speak. Resolves with the observation whatever the bot
 * did; rejects only when the run stopped the call (`call.signal`) or the harness itself failed
 * (caller speech could not be rendered, the fake Twilio would not take the call).
 */
export async function runTwilioCall(call: CallSetup, ctx: TwilioCallContext): Promise<CallObservation> {
  const { plan, clock, runId, signal } = call;
  const startLagMs = Math.max(0, performance.now() - clock.wallAt(plan.arrivalMs));
  signal.throwIfAborted();

  // Caller speech: the first turn before dialling, the others while the call goes on.
  const rendered = new Map<number, UtteranceFrames>();
  let renderError: unknown = null;
  const render = (t: PlannedTurn) =>
    ctx.speech.utterance(plan, t).then((r) => {
      rendered.set(t.index, utteranceFrames(r));
    });
  const [first, ...rest] = plan.turns;
  if (first) await render(first);
  for (const t of rest) render(t).catch((e: unknown) => (renderError ??= e));

  const ids = streamIdsFor(runId, plan.id, ctx.accountSid);
  const from = e164(plan.caller.phone);
  await ctx.follower.register({ ...ids, from, to: ctx.toNumber, callId: plan.id });
  signal.throwIfAborted();

  const s = ctx.settings;
  const messages = new MediaStreamMessages(ids, {
    from_number: from,
    to_number: ctx.toNumber,
    callstorm_call_id: plan.id,
  });
  const session = new StreamSession({
    plan,
    clock,
    startLagMs,
    follower: ctx.follower,
    callSid: ids.callSid,
    restGraceMs: s.restGraceMs,
    playbackCapBytes: s.playbackCapMs * 8,
  });
  return session.run(signal, (done) => {
    const ws = new WebSocket(ctx.wsUrl, {
      perMessageDeflate: false,
      handshakeTimeout: Math.min(plan.patienceMs, 30_000),
      maxPayload: 4 * 1024 * 1024,
      // Loopback only: an all-zero mask lets ws skip masking every frame (RFC 6455 allows any key).
      generateMask: () => {},
    });
    ctx.sockets.add(ws);
    ws.once('close', () => ctx.sockets.delete(ws));
    const level = new SpeechLevelMeter(s.speechThresholdDbfs);
    const frame = new Uint8Array(FRAME_BYTES);
    const silence = Buffer.alloc(FRAME_BYTES, 0xff).toString('base64');
    let chunk = 0;
    let startedAt = 0;
    let timeline: CallerTimeline | null = null;
    const meter = () => session.meter!;

    const echo = (marks: readonly string[]) => {
      for (const name of marks) ws.send(messages.mark(name));
      if (marks.length > 0) meter().marksEchoed(marks.length);
    };
    const participant: MediaParticipant = {
      tick(dueAt, now) {
        if (renderError) return session.harnessFailed(renderError);
        const played = session.playback.play(frame);
        if (played.marks.length > 0) echo(played.marks);
        const loud = played.audioBytes > 0 && level.isSpeech(frame);
        const payload = timeline!.tick(dueAt, loud, played.audioBytes) ?? silence;
        chunk++;
        ws.send(messages.media(chunk, Math.max(0, Math.round(dueAt - startedAt)), payload));
        meter().frameSent(dueAt, now);
        ctx.onFrameSent?.(now - dueAt, now - dueAt - meter().sendLateness.min);
        if (ws.bufferedAmount > s.maxQueuedBytes) {
          done.botStalled(`the bot stopped reading its stream: ${ws.bufferedAmount} bytes queued towards it`);
        } else if (timeline!.ended) done.callerEnded(timeline!.ended);
      },
      failed: (error) => session.harnessFailed(error),
    };

    ws.once('unexpected-response', (req, res) => {
      done.connectFailed({
        kind: 'http-error',
        status: res.statusCode ?? null,
        message: `the bot answered the WebSocket upgrade with HTTP ${res.statusCode}`,
      });
      res.resume();
      req.destroy();
    });
    ws.on('error', (error) => {
      if (!session.opened) {
        const timedOut = /handshake has timed out/i.test(error.message);
        if (timedOut) done.notAnswered();
        else
          done.connectFailed({
            kind: 'network-error',
            status: null,
            message: `cannot open the stream: ${error.message}`,
          });
      } else session.noteSocketError(error.message);
    });
    ws.once('open', () => {
      ws.send(messages.connected());
      ws.send(messages.start());
      startedAt = performance.now();
      session.opened = true;
      session.meter = new WireMeter(startedAt);
      timeline = new CallerTimeline({
        plan,
        meter: session.meter,
        detector: new BotSpeechDetector(s.hangoverMs),
        startedAt,
        frames: (t) => rendered.get(t.index) ?? null,
        isReprompt: ctx.reprompts ? (t) => ctx.reprompts!(plan.id, t.id) : null,
        onUtteranceStart: (t, _attempt, at) => void ctx.announce?.(t.id, performance.timeOrigin + at),
        closeWaitMs: s.closeWaitMs,
      });
      session.timeline = timeline;
      ctx.clock.add(participant);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      session.onBotMessage(data, isBinary, ids.streamSid, echo),
    );
    ws.on('close', (code, reason) => {
      ctx.clock.remove(participant);
      done.socketClosed(code, reason.toString('utf8').slice(0, 200));
    });
    return {
      hangUp: () => {
        ctx.clock.remove(participant);
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(messages.stop());
          ws.close(1000, 'call ended');
        } else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      },
    };
  });
}
