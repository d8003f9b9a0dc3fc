import { join } from 'node:path';
import { readCallRecords } from '../run-folder/read-run-folder.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import { writeJsonAtomic } from '../telemetry/write-json-atomic.ts';
import { sleep } from '../util/abortable-sleep.ts';
import type { AgentTarget } from './agent-targets.ts';
import type { RunChaos } from './run-chaos.ts';
import type { RunSession } from './run-session.ts';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The run's call records, read back from calls.jsonl (the run does not keep them in memory). */
export function readCalls(path: string): CallRecord[] {
  return readCallRecords(path).calls;
}

/** Rejects when `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const cancel = new AbortController();
  try {
    return await Promise.race([
      promise,
      sleep(ms, cancel.signal).then(() => Promise.reject(new Error(`${what}: no answer within ${ms} ms`))),
    ]);
  } finally {
    cancel.abort();
  }
}

/**
 * Faults are gone: gives the reference agent's dead-letter queue its chance to land (a few
 * bounded replay rounds). Null when the agent has no queue or did not answer.
 */
export async function replayDeadLetters(
  chaos: RunChaos,
  agent: AgentTarget,
): Promise<Record<string, number> | null> {
  await chaos.finish();
  const queue = agent.deadLetters;
  if (!queue) return null;
  try {
    const pendingBefore = await within(queue.pending(), 10_000, 'dead-letter queue');
    let pendingAfter = pendingBefore;
    for (let i = 0; i < 5 && pendingAfter > 0; i++) {
      pendingAfter = await within(queue.replay(), 10_000, 'dead-letter replay');
      if (pendingAfter > 0) await sleep(200);
    }
    return { pendingBefore, pendingAfter };
  } catch {
    return null;
  }
}

/** Ends the drill (faults removed) and writes its verdict as drill.json; a failure is noted, not thrown. */
export async function finishDrill(chaos: RunChaos, dir: string, session: RunSession): Promise<void> {
  await chaos.finish();
  if (!chaos.drill) return;
  try {
    writeJsonAtomic(join(dir, 'drill.json'), chaos.verdict(readCalls(join(dir, 'calls.jsonl'))));
  } catch (error) {
    // A verdict that cannot be computed must not hide the run's own result.
    session.note(`drill verdict failed: ${message(error)}`);
  }
}
