import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type CallGenerator, createCallGenerator } from '../../simulators/callers/call-generator.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import type { Scenario } from '../scenario/compose-scenario.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { PORT_PLACEHOLDER } from './agent-address.ts';
import type { RunRequest } from './run-request.ts';

/**
 * Wall time a run may take beyond window ÷ speed: 5 minutes (the agent's and the dependencies'
 * real latency, which `--speed` does not compress: ten turns each answered just inside a patient
 * caller's patience) plus 15 scenario minutes ÷ speed (the caller side of the longest call that
 * starts at the window's end). Past it the run ends, records what finished and says why.
 */
export function defaultDeadlineGraceMs(speed: number): number {
  return 5 * 60_000 + (15 * 60_000) / speed;
}

/** When the first call of a run is due after the driver starts (wall ms). */
export const START_DELAY_MS = 250;

/** What a run is, before anything starts: scenario, calls, id, folder and deadline. */
export interface RunPlan {
  readonly request: RunRequest;
  readonly scenario: Scenario;
  readonly generator: CallGenerator;
  readonly runId: string;
  readonly dir: string;
  /** Wall ms from the start of driving to the run's deadline, and the grace part of it. */
  readonly deadline: { readonly wallMs: number; readonly graceMs: number };
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * A run id unique per run: UTC time to the millisecond, what ran, the seed, and a random suffix,
 * so two runs started in the same millisecond still get folders of their own.
 */
export function newRunId(
  r: Pick<RunRequest, 'vertical' | 'stage' | 'agent' | 'seed'>,
  drill: string | null,
  now = new Date(),
  suffix = randomBytes(3).toString('hex'),
): string {
  const stamp = now.toISOString().replace(/[-:]/g, '');
  const agent = safe(r.agent.replace(/^reference:/, ''));
  return [
    stamp,
    safe(r.vertical),
    safe(r.stage),
    drill ? safe(drill) : 'baseline',
    agent,
    `s${r.seed}`,
    suffix,
  ]
    .join('_')
    .replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** `--agent` and `--agent-cmd` together make sense: checked before anything starts (exit 2). */
export function checkAgentRequest(r: Pick<RunRequest, 'agent' | 'agentCmd'>): void {
  const bad = (option: string, reason: string, fix: string) =>
    new CallstormError('CS_ERR_BAD_ARGUMENT', { option, reason, fix });
  if (r.agentCmd === undefined) {
    if (r.agent.includes(PORT_PLACEHOLDER))
      throw bad(
        '--agent',
        `"${r.agent}" has ${PORT_PLACEHOLDER}, which only a run that starts the agent fills in`,
        "start the agent with the run (--agent-cmd '<command>'), or write the agent's own port",
      );
    return;
  }
  if (r.agentCmd.trim() === '')
    throw bad(
      '--agent-cmd',
      'the command is empty',
      "write the shell command that starts your agent, e.g. --agent-cmd 'python agent.py'",
    );
  if (r.agent.startsWith('reference:'))
    throw bad(
      '--agent',
      `--agent-cmd starts your own agent, but --agent is "${r.agent}" (callstorm's reference agent, which the run starts itself)`,
      "give the URL your agent listens on: --agent 'http://127.0.0.1:{port}' ($PORT is that port)",
    );
}

/** Loads the scenario and resolves the run's id, folder and deadline (nothing is started or written). */
export function planRun(request: RunRequest): RunPlan {
  checkAgentRequest(request);
  const scenario = loadScenario({ vertical: request.vertical, stage: request.stage });
  const generator = createCallGenerator(scenario, { seed: request.seed, window: request.window });
  const runId = request.runId ?? newRunId(request, request.drill ?? null);
  const dir = resolve(request.out ?? join(request.runsDir ?? 'reports', runId));
  const w = generator.window;
  const graceMs = request.deadlineGraceMs ?? defaultDeadlineGraceMs(request.speed);
  const wallMs = START_DELAY_MS + (w.endMs - w.startMs) / request.speed + graceMs;
  return { request, scenario, generator, runId, dir, deadline: { wallMs, graceMs } };
}
