import { createAsrHandlers } from '../../mocks/asr-handlers.ts';
import { asrLinkingControl } from '../../mocks/asr-linking-control.ts';
import { callsControl } from '../../mocks/calls-control.ts';
import type { SimulatorControl } from '../../mocks/control-api.ts';
import { crmControl, crmHandlers } from '../../mocks/crm-handlers.ts';
import { createDeepgramListenSocket } from '../../mocks/deepgram-listen-socket.ts';
import { createDeepgramSpeakSocket } from '../../mocks/deepgram-speak-socket.ts';
import { createLlmHandlers } from '../../mocks/llm-handlers.ts';
import { processControl } from '../../mocks/process-control.ts';
import {
  type SimulatorHost,
  type SimulatorHostOptions,
  startSimulatorHost,
} from '../../mocks/simulator-host.ts';
import { speechControl } from '../../mocks/speech-control.ts';
import { streamControl } from '../../mocks/stream-control.ts';
import { createTtsHandlers } from '../../mocks/tts-handlers.ts';
import { twilioControl } from '../../mocks/twilio-control.ts';
import { createTwilioHandlers } from '../../mocks/twilio-handlers.ts';
import { createCallGenerator } from '../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../simulators/callers/call-plan.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { AcousticLinker } from '../../simulators/dependencies/acoustic-linker.ts';
import { AsrRecogniser } from '../../simulators/dependencies/asr-recogniser.ts';
import { CallLifecycle } from '../../simulators/dependencies/call-lifecycle.ts';
import { CrmService } from '../../simulators/dependencies/crm-service.ts';
import { EitherLinker } from '../../simulators/dependencies/either-linker.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';
import { GroundTruth, type PlanResolver } from '../../simulators/dependencies/ground-truth.ts';
import { LlmConversationModel } from '../../simulators/dependencies/llm-conversation-model.ts';
import { LlmEvidenceLog } from '../../simulators/dependencies/llm-evidence-log.ts';
import { LoadLatency } from '../../simulators/dependencies/load-latency.ts';
import { PlaybackRegistry } from '../../simulators/dependencies/playback-registry.ts';
import { playedSpeech } from '../../simulators/dependencies/played-speech.ts';
import { SpeechLog } from '../../simulators/dependencies/speech-log.ts';
import { TaggedLinker } from '../../simulators/dependencies/tagged-linker.ts';
import { TtsSynthesiser } from '../../simulators/dependencies/tts-synthesiser.ts';
import { TwilioCallRegistry } from '../../simulators/dependencies/twilio-call-registry.ts';
import type { SimulatorAddress, SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import { ProcessHealthMonitor } from '../util/process-health.ts';

/** The LLM endpoints a run offers by default: two in the EU, one in the US. */
export const DEFAULT_LLM_ENDPOINTS = [
  { name: 'llm-primary-eu', region: 'eu' },
  { name: 'llm-secondary-eu', region: 'eu' },
  { name: 'llm-us', region: 'us' },
] as const;

export interface SimulatorSuiteOptions {
  /** The vertical and population the simulators model (intents, cohorts). */
  readonly scenario: Scenario;
  /** Run seed: with the same agent behaviour, the same answers. */
  readonly seed: number;
  /** Plans known in-process (a driver in the same process registers them as it goes, too). */
  readonly plans?: Iterable<CallPlan>;
  /**
   * How to find a call the simulators were not told about: by default, regenerate it from the
   * scenario, seed and this window (what `callstorm simulators` does for an agent run elsewhere).
   */
  readonly window?: string;
  readonly resolvePlan?: PlanResolver;
  /** `realistic` (default): latency models on; `zero`: answer at once (benchmarks, fast tests). */
  readonly latency?: 'realistic' | 'zero';
  readonly llmEndpoints?: readonly { readonly name: string; readonly region: string }[];
  /** Multiplies the ASR's word-error rate (default DEFAULT_WORD_ERROR_FACTOR): how noisy the recogniser is. */
  readonly asrWordErrorFactor?: number;
  /** Listen address (default 127.0.0.1); every simulator takes its own free port. */
  readonly host?: string;
  /**
   * Fixed ports instead of free ones: the endpoints listen on `portBase`, `portBase + 1`, … in
   * the order `simulatorEndpointNames` gives (`--simulators-port-base`; docs/wiring.md).
   */
  readonly portBase?: number;
}

export interface SimulatorEndpoint extends SimulatorAddress {
  readonly faults: FaultSet;
}

export interface SimulatorSuite extends SimulatorEndpoints {
  readonly asr: SimulatorEndpoint;
  readonly tts: SimulatorEndpoint;
  readonly crm: SimulatorEndpoint & { readonly service: CrmService };
  readonly llm: Readonly<Record<string, SimulatorEndpoint & { readonly region: string }>>;
  /** The fake Twilio REST API (docs/twilio.md): its calls, by CallSid. */
  readonly twilio: SimulatorEndpoint & { readonly calls: TwilioCallRegistry };
  readonly groundTruth: GroundTruth;
  /** The calls the run said are live (`POST <any host>/__callstorm/calls/started|ended`). */
  readonly calls: CallLifecycle;
  /** What the LLM simulator classified and which tools it called, per call and turn. */
  readonly llmEvidence: LlmEvidenceLog;
  /** Links speech audio the ASR hears to planned utterances (fed by `POST <asr>/__callstorm/playing`). */
  readonly speechLinker: AcousticLinker;
  /** Every endpoint, for printing, proxies (Toxiproxy) and clean-up. */
  readonly endpoints: readonly SimulatorEndpoint[];
  /** Clears every fault on every simulator. */
  clearFaults(): void;
  close(): Promise<void>;
}

/**
 * The endpoints a suite starts, in the order they start and take fixed ports
 * (`--simulators-port-base N`: the first gets N, the next N + 1, …): asr, tts, crm, then one per
 * LLM endpoint in the order given (default llm-primary-eu, llm-secondary-eu, llm-us).
 */
export function simulatorEndpointNames(
  llmEndpoints: readonly { readonly name: string }[] = DEFAULT_LLM_ENDPOINTS,
): string[] {
  return ['asr', 'tts', 'crm', ...llmEndpoints.map((e) => e.name), 'twilio'];
}

/** Resolves `cs-<seed>-<index>` by regenerating plan <index> of the window. */
export function regeneratingResolver(scenario: Scenario, seed: number, window: string): PlanResolver {
  const generator = createCallGenerator(scenario, { seed, window });
  return (callId) => {
    const m = /^cs-(\d+)-(\d+)$/.exec(callId);
    if (!m || Number(m[1]) !== seed) return undefined;
    return generator.planAt(Number(m[2]));
  };
}

/**
 * Starts the dependency simulators (ASR, TTS, CRM and one LLM per named endpoint) and the fake
 * Twilio REST API, each on its own loopback port so that Toxiproxy can sit in front of each
 * separately. They share one ground truth, one registry of live calls and one LLM evidence log; every host serves the calls
 * endpoints (`calls/started`, `calls/ended`, `calls/seen`, `calls/evidence`) over them, so any host
 * answers for the suite. Closing stops all of them, releasing hung requests.
 */
export async function startSimulators(options: SimulatorSuiteOptions): Promise<SimulatorSuite> {
  const { scenario, seed } = options;
  const zero = options.latency === 'zero';
  const resolvePlan = options.resolvePlan ?? regeneratingResolver(scenario, seed, options.window ?? 'month');
  const groundTruth = new GroundTruth({ resolvePlan });
  if (options.plans) groundTruth.register(options.plans);

  const started: SimulatorHost[] = [];
  const endpoints: SimulatorEndpoint[] = [];
  // The process serving every simulator: its event-loop delay and CPU, for the run's harness health.
  const health = new ProcessHealthMonitor();
  const host = options.host ?? '127.0.0.1';
  const order = simulatorEndpointNames(options.llmEndpoints);
  /** One simulator host on its own port, with its handlers, WebSocket routes and control API. */
  const start = async (
    simulator: Omit<SimulatorHostOptions, 'host' | 'port' | 'bodyLimit'> & { readonly region?: string },
  ): Promise<SimulatorEndpoint> => {
    const { region, ...hostOptions } = simulator;
    // Fixed ports follow the documented order; a suite that starts in another order is a bug.
    if (order[started.length] !== simulator.name)
      throw new Error(`simulator ${simulator.name} started out of order (expected ${order[started.length]})`);
    const port = options.portBase ? options.portBase + started.length : 0;
    const h = await startSimulatorHost({ ...hostOptions, host, port });
    started.push(h);
    const endpoint: SimulatorEndpoint = {
      name: simulator.name,
      kind: simulator.kind,
      url: h.url,
      controlUrl: h.controlUrl,
      faults: simulator.faults,
      ...(region ? { region } : {}),
    };
    endpoints.push(endpoint);
    return endpoint;
  };

  try {
    const calls = new CallLifecycle();
    const llmEvidence = new LlmEvidenceLog();
    const asrFaults = new FaultSet({ kind: 'asr' });
    const recogniser = new AsrRecogniser({
      seed,
      groundTruth,
      population: scenario.population,
      ...(options.asrWordErrorFactor !== undefined ? { wordErrorFactor: options.asrWordErrorFactor } : {}),
      ...(zero ? { latency: false as const } : {}),
    });
    // Speech audio is linked to the utterance the harness is playing (docs/simulators.md).
    const renderer = new SpeechRenderer({ population: scenario.population });
    const speechLinker = new AcousticLinker({
      registry: new PlaybackRegistry({ source: playedSpeech(renderer, groundTruth) }),
    });
    // Deepgram's live speech-to-text on the ASR's port (GET /v1/listen upgrades), for tagged
    // audio and speech alike.
    const listen = createDeepgramListenSocket({
      recogniser,
      linker: new EitherLinker([new TaggedLinker(), speechLinker]),
      faults: asrFaults,
      seed,
      ...(zero ? { latency: false as const } : {}),
    });
    const ttsFaults = new FaultSet({ kind: 'tts' });
    const synthesiser = new TtsSynthesiser({ seed, ...(zero ? { latency: false as const } : {}) });
    const speechLog = new SpeechLog({ groundTruth });
    const speak = createDeepgramSpeakSocket({ synthesiser, faults: ttsFaults, seed, speechLog });
    // A call's end reaches every live stream of the suite, whichever host the run told.
    calls.onEnded((callId) => {
      listen.registry.callEnded(callId);
      speak.registry.callEnded(callId);
    });
    const service = new CrmService({ lifecycle: calls });
    const callsEndpoints = callsControl({
      lifecycle: calls,
      streams: [listen.registry, speak.registry],
      evidence: llmEvidence,
      groundTruth,
      crm: service,
      plans: groundTruth,
    });

    const asr = await start({
      name: 'asr',
      kind: 'asr',
      faults: asrFaults,
      handlers: createAsrHandlers({ recogniser, faults: asrFaults, seed, speechLinker }),
      upgrades: { '/v1/listen': listen },
      control: mergeControls(
        streamControl({ stats: listen.stats, groundTruth }),
        asrLinkingControl(speechLinker),
        callsEndpoints,
      ),
    });

    const tts = await start({
      name: 'tts',
      kind: 'tts',
      faults: ttsFaults,
      handlers: createTtsHandlers({ synthesiser, faults: ttsFaults, seed, speechLog }),
      upgrades: { '/v1/speak': speak },
      control: mergeControls(speechControl(speechLog), streamControl({ stats: speak.stats }), callsEndpoints),
    });

    const crmFaults = new FaultSet({ kind: 'crm' });
    const crmEndpoint = await start({
      name: 'crm',
      kind: 'crm',
      faults: crmFaults,
      handlers: crmHandlers({
        service,
        faults: crmFaults,
        seed,
        latency: zero ? LoadLatency.zero() : new LoadLatency(),
      }),
      control: mergeControls(crmControl(service, groundTruth), callsEndpoints, processControl(health)),
    });

    const conversation = new LlmConversationModel({ seed, groundTruth, scenario });
    const llm: Record<string, SimulatorEndpoint & { region: string }> = {};
    for (const e of options.llmEndpoints ?? DEFAULT_LLM_ENDPOINTS) {
      const faults = new FaultSet({ kind: 'llm' });
      const handlers = createLlmHandlers({
        endpoint: e.name,
        region: e.region,
        conversation,
        faults,
        seed,
        evidence: llmEvidence,
        ...(zero ? { latency: false as const } : {}),
      });
      llm[e.name] = {
        ...(await start({
          name: e.name,
          kind: 'llm',
          faults,
          handlers,
          region: e.region,
          control: callsEndpoints,
        })),
        region: e.region,
      };
    }

    // The fake Twilio REST API a Media Streams bot hangs up and transfers calls with (docs/twilio.md).
    const twilioFaults = new FaultSet({ kind: 'twilio' });
    const twilioCalls = new TwilioCallRegistry();
    const twilioEndpoint = await start({
      name: 'twilio',
      kind: 'twilio',
      faults: twilioFaults,
      handlers: createTwilioHandlers({ calls: twilioCalls, faults: twilioFaults, seed }),
      control: twilioControl(twilioCalls),
    });

    return {
      asr,
      tts,
      crm: { ...crmEndpoint, service },
      llm,
      twilio: { ...twilioEndpoint, calls: twilioCalls },
      groundTruth,
      calls,
      llmEvidence,
      speechLinker,
      endpoints,
      clearFaults() {
        for (const e of endpoints) e.faults.clearAll();
      },
      async close() {
        for (const e of endpoints) e.faults.clearAll();
        twilioCalls.releaseWaiters();
        await Promise.all(started.map((h) => h.close()));
        health.close();
      },
    };
  } catch (error) {
    health.close();
    await Promise.all(started.map((h) => h.close()));
    throw error;
  }
}

/** Several control sets of one host as one (their names must differ). */
function mergeControls(...controls: SimulatorControl[]): SimulatorControl {
  return {
    views: Object.assign({}, ...controls.map((c) => c.views ?? {})),
    actions: Object.assign({}, ...controls.map((c) => c.actions ?? {})),
  };
}
