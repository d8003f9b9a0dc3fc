import type WebSocket from 'ws';
import { TWILIO_TEST_ACCOUNT } from '../../../simulators/dependencies/twilio-test-account.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import type { AgentTransport, TransportContext } from '../agent-transport.ts';
import type { EvidenceSource } from '../call-evidence.ts';
import { createCallerSpeech } from '../caller-speech-pool.ts';
import { JitterHistogram } from './jitter-histogram.ts';
import { MediaClock } from './media-clock.ts';
import { createTtsRepromptCheck, type RepromptCheck } from './reprompt-check.ts';
import { DEFAULT_TWILIO_CALL_SETTINGS, runTwilioCall, type TwilioCallSettings } from './twilio-call.ts';
import { TwilioRestFollower } from './twilio-rest-follower.ts';

/** The number callers dial (Ofcom's drama range: never a real line). */
export const TWILIO_TO_NUMBER = '+441632960000';

export interface TwilioTransportOptions {
  /**
   * Evidence for the judge (intents, and the tool calls that say how an `agent-end` really ended):
   * default the run's own, from its simulators (`TransportContext.evidence`: what the LLM simulator
   * classified, `transfer_to_human`/`end_call`); null: none, the wire's and REST's endings stand.
   */
  readonly evidence?: EvidenceSource | null;
  /** `tts-log` (default): the TTS simulator's record says when the bot reprompted; `never`. */
  readonly reprompts?: 'tts-log' | 'never';
  readonly accountSid?: string;
  readonly settings?: Partial<TwilioCallSettings>;
  /** Worker threads rendering caller speech (default 1; 0: on the media clock's thread). */
  readonly speechThreads?: number;
  /** One media clock for every call (default: a new one on real timers). */
  readonly clock?: MediaClock;
}

/** The transport's own health figures (what `npm run bench -- twilio` prints). */
export interface TwilioTransportStats {
  readonly clock: MediaClock['stats'];
  /** Each caller frame's lateness against its tick's due time (ms); reset it to measure a stretch. */
  readonly frameLateness: JitterHistogram;
  /** Each caller frame's jitter: its lateness less its stream's least lateness so far (ms). */
  readonly frameJitter: JitterHistogram;
  readonly follower: TwilioRestFollower['health'];
  readonly openSockets: number;
}

/**
 * Refuses a run a Twilio Media Streams bot cannot be driven by, before anything of it starts:
 * `--speed` other than 1 (audio streams cannot be compressed in time) and tagged caller audio (a
 * bot's VAD hears no speech in it).
 */
export function checkTwilioRun(run: {
  readonly speed: number;
  readonly callerAudio: 'tagged' | 'speech';
}): void {
  if (run.speed !== 1) {
    throw new CallstormError('CS_ERR_REALTIME_ONLY', { transport: 'twilio', speed: String(run.speed) });
  }
  if (run.callerAudio === 'tagged') {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--caller-audio',
      reason:
        'a Twilio Media Streams bot hears its callers through its own VAD and speech-to-text, and tagged audio is no speech to them',
      fix: 'run with --caller-audio speech (the default for twilio+ws:// agents)',
    });
  }
}

/**
 * The `twilio` transport: callstorm plays Twilio's side of a bidirectional Media Stream
 * (`<Connect><Stream>`) for every call, against a bot's WebSocket at `twilio+ws://host:port/path`
 * (the same URL with `ws:`), in real time on one shared media clock, and plays the fake Twilio
 * REST API's side of the bot's hang-ups and transfers. docs/twilio.md. Refuses what
 * `checkTwilioRun` refuses.
 */
export function createTwilioTransport(
  url: string,
  context: TransportContext,
  options: TwilioTransportOptions = {},
): AgentTransport & { readonly stats: TwilioTransportStats } {
  const renderer = context.callerAudio === 'tagged' ? null : context.callerAudio;
  checkTwilioRun({ speed: context.speed, callerAudio: renderer ? 'speech' : 'tagged' });
  const wsUrl = url.replace(/^twilio\+ws:/i, 'ws:');
  const clock = options.clock ?? new MediaClock();
  const follower = new TwilioRestFollower(context.simulators.twilio.controlUrl);
  const repromptCheck =
    (options.reprompts ?? 'tts-log') === 'tts-log'
      ? createTtsRepromptCheck(context.simulators.tts.controlUrl)
      : null;
  const reprompts: RepromptCheck | null = repromptCheck;
  const sockets = new Set<WebSocket>();
  const frameLateness = new JitterHistogram();
  const frameJitter = new JitterHistogram();
  const settings = { ...DEFAULT_TWILIO_CALL_SETTINGS, ...options.settings };
  const speech = createCallerSpeech(renderer!, { threads: options.speechThreads ?? 1 });
  let closing: Promise<void> | null = null;

  return {
    kind: 'twilio',
    description: `twilio ${url}`,
    evidence: options.evidence === undefined ? (context.evidence ?? null) : options.evidence,
    converse: (call) =>
      runTwilioCall(call, {
        wsUrl,
        clock,
        follower,
        speech,
        ...(context.announce ? { announce: context.announce } : {}),
        reprompts,
        accountSid: options.accountSid ?? TWILIO_TEST_ACCOUNT.accountSid,
        toNumber: TWILIO_TO_NUMBER,
        settings,
        sockets,
        onFrameSent: (late, jitter) => {
          frameLateness.record(late);
          frameJitter.record(jitter);
        },
      }),
    get stats() {
      return {
        clock: clock.stats,
        frameLateness,
        frameJitter,
        follower: follower.health,
        openSockets: sockets.size,
      };
    },
    close() {
      closing ??= (async () => {
        // Hang-ups in flight get a moment to finish their close handshake, then the rest are cut.
        const deadline = performance.now() + 2_000;
        while (sockets.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        for (const ws of sockets) ws.terminate();
        if (!options.clock) clock.close();
        await Promise.all([follower.close(), repromptCheck?.close(), speech.close()]);
      })();
      return closing;
    },
  };
}
