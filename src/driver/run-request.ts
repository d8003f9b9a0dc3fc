import type { CallerAudioMode } from '../../simulators/callers/caller-audio.ts';
import type { SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';
import type { Drill } from '../chaos/drill-schema.ts';
import type { SimulatorSuite } from '../simulation/start-simulators.ts';
import type { RunManifest } from '../telemetry/run-manifest.ts';
import type { DriverSummary } from './open-model-driver.ts';
import type { RunChaos } from './run-chaos.ts';
import type { SimulatorsMode } from './run-simulators.ts';

export interface RunRequest {
  readonly vertical: string;
  readonly stage: string;
  readonly window: string;
  readonly speed: number;
  readonly seed: number;
  /**
   * `reference:<profile>` or the agent's URL (`http://127.0.0.1:PORT`: the transport follows the
   * scheme). With `agentCmd`, `{port}` in it stands for the port the run gives the agent.
   */
  readonly agent: string;
  /**
   * A shell command that starts the agent for this run (`--agent-cmd`): run by `/bin/sh -c` in its
   * own process group, with `$PORT` and the wiring variables in its environment (docs/wiring.md),
   * its output in `agent.log`; stopped (SIGTERM, then SIGKILL) however the run ends.
   */
  readonly agentCmd?: string;
  /** How long the `agentCmd` agent may take to accept connections (wall ms, default 30 s). */
  readonly agentReadyTimeoutMs?: number;
  /** Also write the wiring JSON here as soon as the dependencies listen (`--wiring-out`). */
  readonly wiringOut?: string;
  /**
   * Fixed ports (`--simulators-port-base`): the simulator endpoints — with a drill, their Toxiproxy
   * proxies — listen on this port and the next ones, in `simulatorEndpointNames()` order. 0 or
   * absent: free ports.
   */
  readonly simulatorsPortBase?: number;
  /**
   * The wrong-wiring check (default on): after the first finished calls, a run whose simulators
   * served no request at all stops with CS_ERR_AGENT_NOT_WIRED. Off for an agent that uses none.
   */
  readonly wiringCheck?: boolean;
  /** Folder for this run's artefacts (default `<runsDir>/<runId>`); must not hold another run. */
  readonly out?: string;
  readonly runsDir?: string;
  /** Default: unique per run (time to the millisecond, seed, random suffix). */
  readonly runId?: string;
  /** Name of the drill (for the run id); the drill itself comes through `chaos`. */
  readonly drill?: string;
  /**
   * The drill as loaded and the `--drill` name or path it came from: recorded in the manifest's
   * `evaluation` so evaluating the run never reopens the YAML (`drillRun()` in src/chaos fills it).
   */
  readonly drillSource?: { readonly ref: string; readonly definition: Drill };
  readonly latency?: 'realistic' | 'zero';
  /**
   * What the callers send as audio: `tagged` (default; the utterance id in μ-law) or `speech`
   * (rendered caller speech, announced to the ASR simulator so it can link what it hears).
   */
  readonly callerAudio?: CallerAudioMode;
  /**
   * Where the simulators run: `process` (default) in a child of their own (`callstorm simulators`),
   * so their CPU does not delay the driver; `in-process` in this process, their state readable
   * through the `suite` the chaos factory receives.
   */
  readonly simulators?: SimulatorsMode;
  /**
   * Chaos for this run (a drill); default none. Built by the caller from `--drill`. `suite` is the
   * in-process simulator suite (null when the simulators run in a child process).
   */
  readonly chaos?: (ctx: {
    runId: string;
    runDir: string;
    simulators: SimulatorEndpoints;
    suite: SimulatorSuite | null;
    /** Put the Toxiproxy proxies on fixed ports from this base (`simulatorsPortBase`). */
    portBase?: number | undefined;
  }) => Promise<RunChaos>;
  /** Stops the run early (Ctrl-C): callers hang up, rollbacks run, the manifest says interrupted. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** How often onProgress fires (wall ms, default 1000). */
  readonly progressEveryMs?: number;
  /**
   * Wall time the run may take beyond window ÷ speed before it is ended (default
   * `DEFAULT_DEADLINE_GRACE`: 5 minutes plus 15 scenario minutes ÷ speed).
   */
  readonly deadlineGraceMs?: number;
}

export interface RunProgress {
  readonly started: number;
  readonly finished: number;
  readonly inFlight: number;
  readonly expected: number;
  readonly p95VoiceToVoiceMs: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly activeFaults: readonly string[];
  readonly scenarioMs: number;
}

export interface RunResult {
  readonly runId: string;
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly summary: DriverSummary | null;
}
