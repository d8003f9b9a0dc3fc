import { CallstormError } from '../errors/callstorm-error.ts';
import type { CallRecord } from '../telemetry/call-record.ts';
import type { RunWiringRecord } from '../telemetry/run-manifest.ts';
import type { WiringEvidence } from './wiring-evidence.ts';

/** How many finished calls the check waits for (fewer when the run has fewer). */
export const WIRING_CHECK_CALLS = 3;

export type WiringCheckRecord = NonNullable<RunWiringRecord['check']>;

export interface WiringCheckOptions {
  /** False: `--no-wiring-check` (recorded as `off`). */
  readonly enabled: boolean;
  readonly calls?: number;
  /** The endpoints as the agent was told to use them (named in the error). */
  readonly endpoints: readonly { readonly name: string; readonly url: string }[];
  /** What the simulators saw of these calls (`wiringEvidenceFor`). */
  readonly evidence: (callIds: readonly string[]) => Promise<WiringEvidence>;
  /** The check's outcome, once decided (the manifest). */
  readonly onDecided: (record: WiringCheckRecord) => void;
  /** The agent is not using this run's simulators: stop the run with this error. */
  readonly onNotWired: (error: CallstormError) => void;
}

/**
 * Whether a finished call can show the wiring: the agent answered at least one of the caller's
 * turns (it got that far, so a wired agent had asked its ASR, LLM or TTS), and no fault was active
 * during the call (a Toxiproxy proxy that is down keeps a wired agent's requests from the
 * simulators).
 */
export function showsWiring(record: CallRecord): boolean {
  if (record.faults.length > 0) return false;
  return record.turns.some(
    (t) => t.voiceToVoiceMs !== null && !(typeof t.status === 'number' && t.status >= 400),
  );
}

/**
 * The wrong-wiring check. It watches judged calls; after the first `calls` calls that can show the
 * wiring (`showsWiring`), it asks the simulators what they saw. Not one request at all (and none
 * tied to those calls) means the agent talks to other dependencies — a `callstorm simulators`
 * started on its own, the real vendors — so every result of the run would be wrong: the run stops
 * with CS_ERR_AGENT_NOT_WIRED. Any request means it is wired (a partial miswiring shows in the
 * ledger and the outcomes instead). Evidence that cannot be read leaves it undecided.
 */
export class WiringCheck {
  readonly #o: WiringCheckOptions;
  readonly #calls: string[] = [];
  #decision: Promise<void> | null = null;

  constructor(options: WiringCheckOptions) {
    this.#o = options;
    if (!options.enabled)
      options.onDecided({
        result: 'off',
        calls: [],
        requests: null,
        detail: 'turned off (--no-wiring-check)',
      });
  }

  /** Subscribes to judged calls. */
  observe(record: CallRecord): void {
    if (!this.#o.enabled || this.#decision || !showsWiring(record)) return;
    this.#calls.push(record.callId);
    if (this.#calls.length >= (this.#o.calls ?? WIRING_CHECK_CALLS)) this.#decision = this.#decide();
  }

  /**
   * When the calls have run: decides on the calls there were, if fewer than `calls` showed the
   * wiring (`final`: the run was not stopped), and waits for a decision in progress.
   */
  async settle(final: boolean): Promise<void> {
    if (this.#o.enabled && !this.#decision) {
      if (final && this.#calls.length > 0) this.#decision = this.#decide();
      else
        this.#o.onDecided({
          result: 'undecided',
          calls: [...this.#calls],
          requests: null,
          detail:
            this.#calls.length === 0
              ? 'no finished call had an answered turn without an active fault'
              : 'the run stopped before the check',
        });
    }
    await this.#decision;
  }

  async #decide(): Promise<void> {
    const calls = [...this.#calls];
    let evidence: WiringEvidence;
    try {
      evidence = await this.#o.evidence(calls);
    } catch (error) {
      this.#o.onDecided({
        result: 'undecided',
        calls,
        requests: null,
        detail: `the simulators' counters could not be read: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    const total = Object.values(evidence.requests).reduce((a, b) => a + b, 0);
    const wired = total > 0 || (evidence.attributed?.length ?? 0) > 0;
    this.#o.onDecided({
      result: wired ? 'passed' : 'failed',
      calls,
      requests: { ...evidence.requests },
      detail: wired
        ? `the simulators had served ${total} request(s) by the time ${calls.length} call(s) had finished`
        : 'the simulators served no request while the agent answered these calls',
    });
    if (!wired) {
      this.#o.onNotWired(
        new CallstormError('CS_ERR_AGENT_NOT_WIRED', {
          count: calls.length,
          calls: calls.join(', '),
          endpoints: this.#o.endpoints.map((e) => `${e.name} ${e.url}`).join(', '),
        }),
      );
    }
  }
}
