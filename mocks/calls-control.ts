import { z } from 'zod';
import type { CallPlan } from '../simulators/callers/call-plan.ts';
import type { CallLifecycle } from '../simulators/dependencies/call-lifecycle.ts';
import type { CrmService } from '../simulators/dependencies/crm-service.ts';
import type { GroundTruth } from '../simulators/dependencies/ground-truth.ts';
import type { LlmEvidenceLog } from '../simulators/dependencies/llm-evidence-log.ts';
import type { StreamRegistry } from '../simulators/dependencies/stream-registry.ts';
import type { ControlAction, SimulatorControl } from './control-api.ts';

/** Calls in one lifecycle or query request, at most. */
export const MAX_CALLS_PER_REQUEST = 10_000;

const callId = z.string().min(1).max(200);
const epochMs = z.number().min(0).max(8.64e15);
const startedBody = z.strictObject({
  calls: z
    .array(
      z.strictObject({
        callId,
        at: epochMs,
        from: z.string().min(1).max(40).optional(),
        accountId: z.string().min(1).max(40).optional(),
      }),
    )
    .max(MAX_CALLS_PER_REQUEST),
});
const endedBody = z.union([
  z.strictObject({ callId, at: epochMs.optional() }),
  z.strictObject({ calls: z.array(z.strictObject({ callId, at: epochMs })).max(MAX_CALLS_PER_REQUEST) }),
]);
const seenBody = z.strictObject({ callIds: z.array(callId).max(MAX_CALLS_PER_REQUEST) });
const oneCallBody = z.strictObject({ callId });

/** What the simulators saw of one call: enough to tell a bot wired to them from one that is not. */
export interface CallSightings {
  readonly callId: string;
  /** Utterances of the call the ASR produced a transcript for. */
  readonly asr: { readonly transcripts: number };
  /** LLM requests linked to the call by transcript. */
  readonly llm: { readonly requests: number };
  /** CRM requests attributed to the call as they arrived (by header, or by its lifetime). */
  readonly crm: { readonly requests: number };
}

export interface CallsControlOptions {
  readonly lifecycle: CallLifecycle;
  /** The suite's live streams (ASR, TTS): how many of a call's are open as it ends. */
  readonly streams?: readonly StreamRegistry[];
  readonly evidence?: LlmEvidenceLog;
  readonly groundTruth?: GroundTruth;
  readonly crm?: CrmService;
  /** Fills a start's caller number and account from the call's plan when the run leaves them out. */
  readonly plans?: { plan(callId: string): CallPlan | undefined };
}

/**
 * The calls endpoints every simulator host of a suite serves (one registry, one evidence log per
 * suite, so any host answers for all):
 * - `POST /__callstorm/calls/started {"calls":[{callId, at, from?, accountId?}]}` → `{started}`;
 * - `POST /__callstorm/calls/ended {"calls":[{callId, at}]}` → `{ended}`, or `{"callId"}` (now)
 *   → `{callId, openStreams}` (its live streams still open: counted as leaked after a grace);
 * - `POST /__callstorm/calls/seen {"callIds":[…]}` → per call, what the ASR, LLM and CRM saw;
 * - `POST /__callstorm/calls/evidence {"callId"}` → what the LLM classified and which tools it called.
 */
export function callsControl(options: CallsControlOptions): SimulatorControl {
  const { lifecycle } = options;
  const openStreams = (id: string) => (options.streams ?? []).reduce((n, r) => n + r.openFor(id), 0);
  const started: ControlAction<z.infer<typeof startedBody>> = {
    body: startedBody,
    shape:
      '{"calls": [{"callId": "cs-<seed>-<index>", "at": <epoch ms>, "from"?: "07…", "accountId"?: "4…"}]}',
    run({ calls }) {
      for (const c of calls) {
        const caller =
          c.from === undefined || c.accountId === undefined
            ? options.plans?.plan(c.callId)?.caller
            : undefined;
        lifecycle.started({
          callId: c.callId,
          at: c.at,
          from: c.from ?? caller?.phone,
          accountId: c.accountId ?? caller?.accountId,
        });
      }
      return { started: calls.length, known: lifecycle.size };
    },
  };
  const ended: ControlAction<z.infer<typeof endedBody>> = {
    body: endedBody,
    shape:
      '{"calls": [{"callId": "cs-<seed>-<index>", "at": <epoch ms>}]} or {"callId": "cs-<seed>-<index>"}',
    run(body) {
      if ('callId' in body) {
        const open = openStreams(body.callId);
        lifecycle.ended({ callId: body.callId, at: body.at ?? Date.now() });
        return { callId: body.callId, openStreams: open };
      }
      for (const c of body.calls) lifecycle.ended(c);
      return { ended: body.calls.length };
    },
  };
  const seen: ControlAction<z.infer<typeof seenBody>> = {
    body: seenBody,
    shape: '{"callIds": ["cs-<seed>-<index>", …]}',
    run: ({ callIds }) => ({
      calls: callIds.map(
        (id): CallSightings => ({
          callId: id,
          asr: { transcripts: options.groundTruth?.transcriptsOf(id) ?? 0 },
          llm: { requests: options.evidence?.requestsOf(id) ?? 0 },
          crm: { requests: options.crm?.requestsOf(id) ?? 0 },
        }),
      ),
      unlinked: {
        llmRequests: options.evidence?.unlinkedRequests ?? 0,
        crmRequests: options.crm?.unattributedRequests ?? { 'no-live-call': 0, ambiguous: 0 },
      },
    }),
  };
  const actions: Record<string, ControlAction> = {
    'calls/started': started,
    'calls/ended': ended,
    'calls/seen': seen,
  };
  if (options.evidence) {
    const log = options.evidence;
    actions['calls/evidence'] = {
      body: oneCallBody,
      shape: '{"callId": "cs-<seed>-<index>"}',
      run: ({ callId: id }) => log.ofCall(id),
    } satisfies ControlAction<z.infer<typeof oneCallBody>>;
  }
  return { actions };
}
