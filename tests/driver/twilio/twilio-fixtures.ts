import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { SpeechCache } from '../../../simulators/callers/speech-cache.ts';
import { SpeechRenderer } from '../../../simulators/callers/speech-renderer.ts';
import type { AgentTransport, TransportContext } from '../../../src/driver/agent-transport.ts';
import type { CallObservation } from '../../../src/driver/call-observation.ts';
import { createRunClock } from '../../../src/driver/run-clock.ts';
import {
  createTwilioTransport,
  type TwilioTransportOptions,
} from '../../../src/driver/twilio/twilio-transport.ts';
import type { Scenario } from '../../../src/scenario/compose-scenario.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';
import { type SimulatorSuite, startSimulators } from '../../../src/simulation/start-simulators.ts';
import { TEST_SPEECH_CACHE } from '../../helpers/espeak-for-tests.ts';

export const SCENARIO: Scenario = loadScenario({ vertical: 'collections', stage: 'pilot' });

/** Plans of the collections × pilot peak day, seed 1: short calls of 2–4 turns. */
export function plans(count: number, change: (p: CallPlan) => CallPlan = (p) => p): CallPlan[] {
  const generator = createCallGenerator(SCENARIO, { seed: 1, window: 'peak-day' });
  const out: CallPlan[] = [];
  for (const p of generator.plans()) {
    out.push(change(p));
    if (out.length === count) break;
  }
  return out;
}

const SHORT_LINES = [
  'Hello, I need some help.',
  'Yes, that is right.',
  'Thanks, goodbye.',
  'One more thing.',
];

/** A plan whose caller is quick: short utterances (about a second), short think times, the given patience. */
export function quickCaller(plan: CallPlan, patienceMs = 4_000): CallPlan {
  return {
    ...plan,
    patienceMs,
    turns: plan.turns.map((t, i) => ({
      ...t,
      text: SHORT_LINES[i % SHORT_LINES.length]!,
      thinkMs: Math.min(t.thinkMs, 300),
    })),
  };
}

export interface TwilioRig {
  readonly suite: SimulatorSuite;
  readonly renderer: SpeechRenderer;
  readonly announced: string[];
  transport(
    url: string,
    options?: TwilioTransportOptions,
    context?: Partial<TransportContext>,
  ): AgentTransport;
  /** Plays one call now (its arrival is "now" on the run clock). */
  converse(transport: AgentTransport, plan: CallPlan, signal?: AbortSignal): Promise<CallObservation>;
  close(): Promise<void>;
}

export async function startTwilioRig(): Promise<TwilioRig> {
  const suite = await startSimulators({ scenario: SCENARIO, seed: 1, window: 'peak-day', latency: 'zero' });
  const renderer = new SpeechRenderer({
    population: SCENARIO.population,
    cache: new SpeechCache(TEST_SPEECH_CACHE),
  });
  const announced: string[] = [];
  const transports: AgentTransport[] = [];
  let conversations = 0;
  return {
    suite,
    renderer,
    announced,
    transport(url, options = {}, context = {}) {
      const t = createTwilioTransport(
        url,
        {
          speed: 1,
          simulators: suite,
          callerAudio: renderer,
          announce: async (id) => {
            announced.push(id);
          },
          ...context,
        },
        options,
      );
      transports.push(t);
      return t;
    },
    converse(transport, plan, signal = new AbortController().signal) {
      suite.groundTruth.register([plan]);
      const clock = createRunClock(1, performance.now() - plan.arrivalMs);
      // A run id per call, as runs have: CallSids derive from it and the plan's id, and the tests
      // reuse plans — the fake Twilio keeps the first registration of a CallSid, so a later test's
      // REST hang-up would land on an earlier test's completed call (200, and nothing happens).
      return transport.converse({ runId: `twilio-test-${++conversations}`, plan, clock, signal });
    },
    async close() {
      await Promise.all(transports.map((t) => t.close()));
      await suite.close();
    },
  };
}
