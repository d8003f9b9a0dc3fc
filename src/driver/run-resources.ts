import { join } from 'node:path';
import type { CallerAudio } from '../../simulators/callers/caller-audio.ts';
import { espeakVersion } from '../../simulators/callers/espeak.ts';
import { SpeechRenderer } from '../../simulators/callers/speech-renderer.ts';
import { createSimulatorEvidence, type SimulatorEvidence } from '../simulation/simulator-evidence.ts';
import { RunRecorder } from '../telemetry/run-recorder.ts';
import type { AgentTransport } from './agent-transport.ts';
import { createAgentTransport, transportKindFor } from './agent-transports.ts';
import { RunCallBook, writeLedgerFile } from './ledger-file.ts';
import { createPlaybackAnnouncer } from './playback-announcer.ts';
import { NO_HEALTH_SOURCE, type ProcessHealthSource } from './process-health-source.ts';
import { startRunAgent } from './run-agent.ts';
import { noChaos, type RunChaos } from './run-chaos.ts';
import type { RunManifestWriter } from './run-manifest-writer.ts';
import type { RunPlan } from './run-plan.ts';
import type { RunSession } from './run-session.ts';
import { type RunSimulators, startRunSimulators } from './run-simulators.ts';
import { finishDrill, replayDeadLetters } from './run-wind-down.ts';
import { checkFixedPorts } from './run-wiring.ts';
import { wiredEndpoints } from './wiring-environment.ts';

/** What a run holds while its calls run. */
export interface RunResources {
  readonly recorder: RunRecorder;
  readonly simulators: RunSimulators;
  /** The harness's evidence of each call, from the simulators (the judge asks it for every call). */
  readonly evidence: SimulatorEvidence;
  readonly chaos: RunChaos;
  readonly transport: AgentTransport;
  /** Which calls started and finished (the ledger reconciles finished ones only). */
  readonly calls: RunCallBook;
  /** The agent process's own health when callstorm started it (else it reports nothing). */
  readonly agentHealth: ProcessHealthSource;
  /** The endpoints as the agent was told to use them (the wiring), in suite order. */
  readonly wired: readonly { readonly name: string; readonly url: string }[];
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Starts a run's resources in order — recorder, simulators, chaos, the agent (wired to the
 * simulators or their proxies, and checked before the first call: run-agent.ts), its transport — each
 * adopted by the session with its disposer, and the wind-down steps between them, so however the
 * run ends they unwind newest first: the transport closes (hang-ups in flight answered or timed
 * out), faults are removed and the agent's dead letters replayed, the agent stops, the drill's
 * verdict is written, the ledger reconciled, the simulators stop, the recorder flushes.
 */
export async function startRunResources(
  session: RunSession,
  plan: RunPlan,
  manifest: RunManifestWriter,
): Promise<RunResources> {
  const { request: r, dir, runId, scenario } = plan;
  // Unless told otherwise, callers speak to a transport that hears only speech (twilio+ws://).
  const kind = transportKindFor(r.agent)?.kind;
  const audioMode = r.callerAudio ?? (kind?.needsSpeech ? 'speech' : 'tagged');
  kind?.check?.({ speed: r.speed, callerAudio: audioMode }); // e.g. a Twilio bot at --speed 120: exit 2
  await checkFixedPorts(r); // fixed ports taken: exit 2 before anything starts
  let callerAudio: CallerAudio = 'tagged';
  if (audioMode === 'speech') {
    await espeakVersion(); // no espeak-ng: fail before anything starts (CS_ERR_SPEECH_UNAVAILABLE)
    callerAudio = new SpeechRenderer({ population: scenario.population });
  }
  const recorder = session.adopt('recorder', new RunRecorder(dir), (x) => x.close());
  manifest.countFrom(recorder.counters);
  const calls = new RunCallBook();
  const simulators = session.adopt(
    'simulators',
    await startRunSimulators(r.simulators ?? 'process', {
      scenario,
      vertical: r.vertical,
      stage: r.stage,
      seed: r.seed,
      window: r.window,
      latency: r.latency ?? 'realistic',
      // With a drill the fixed ports are the proxies'; the simulators behind them take free ones.
      ...(r.simulatorsPortBase && !r.chaos ? { portBase: r.simulatorsPortBase } : {}),
    }),
    (s) => s.close(),
  );
  manifest.set({ simulators: { mode: simulators.mode, pid: simulators.pid } });
  const evidence = session.adopt('evidence', createSimulatorEvidence(simulators), (e) => e.close());
  let deadLetters: Record<string, number> | null = null;
  session.defer('ledger.json', async () => {
    try {
      await writeLedgerFile(join(dir, 'ledger.json'), simulators, plan.generator.plans(), calls, deadLetters);
    } catch (error) {
      session.degrade(`ledger.json not written: ${message(error)}`);
    }
  });
  const chaos = session.adopt(
    'chaos',
    r.chaos
      ? await r.chaos({
          runId,
          runDir: dir,
          simulators,
          suite: simulators.suite,
          portBase: r.simulatorsPortBase || undefined,
        })
      : noChaos,
    (c) => finishDrill(c, dir, session),
  );
  manifest.set({ drill: chaos.drill, network: chaos.network });
  if (chaos.drill !== null) manifest.faultTimingFrom(() => chaos.applyLag());
  chaos.onAbort((why) => session.stop('aborted', `stop condition: ${why}`));
  chaos.onFault(({ event }) => {
    if (event === 'applied') recorder.count('fault.applied');
    else if (event === 'removed') recorder.count('fault.removed');
  });
  const { target: agent, wiring } = await startRunAgent(session, plan, manifest, simulators, chaos);
  session.defer('dead letters', async () => {
    deadLetters = await replayDeadLetters(chaos, agent);
  });
  const announcer =
    callerAudio === 'tagged'
      ? null
      : session.adopt('announcer', createPlaybackAnnouncer(simulators.asr.controlUrl), (a) => a.close());
  const transport = session.adopt(
    'transport',
    createAgentTransport(agent.url, {
      speed: r.speed,
      simulators,
      evidence,
      callerAudio,
      ...(announcer ? { announce: announcer.announce } : {}),
    }),
    (t) => t.close(),
  );
  manifest.set({ transport: transport.kind, callerAudio: audioMode });
  return {
    recorder,
    simulators,
    evidence,
    chaos,
    transport,
    calls,
    wired: wiredEndpoints(wiring),
    agentHealth: agent.health ?? NO_HEALTH_SOURCE,
  };
}
