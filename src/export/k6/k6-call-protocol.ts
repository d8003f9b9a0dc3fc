/**
 * The callstorm HTTP agent protocol v1 as one k6 virtual user speaks it: the same requests, bodies,
 * headers and caller timing as the Node driver (`src/driver/caller-session.ts` with
 * `http-agent-adapter.ts`). This file imports nothing: `callstorm export k6` copies it next to the
 * generated `script.ts`, which passes k6's `http.request`, `sleep`, clock and metrics in; a Node test
 * passes fakes. It must stay free of Node and k6 globals so it type-checks in both worlds.
 */

/** The parts of a CallPlan the caller needs (a CallPlan fits). */
export interface K6Plan {
  readonly id: string;
  readonly index: number;
  readonly arrivalMs: number;
  readonly cohort: string;
  readonly flows: readonly string[];
  readonly caller: { readonly phone: string };
  readonly locale: string;
  readonly region: string;
  readonly consentRequired: boolean;
  readonly patienceMs: number;
  readonly turns: readonly {
    readonly id: string;
    readonly index: number;
    readonly kind: string;
    readonly speechMs: number;
    readonly thinkMs: number;
    readonly bargeInAtMs: number | null;
    readonly expect: { readonly flow: string };
  }[];
}

/** What the script needs of a k6 response. */
export interface K6Response {
  /** 0 when no response arrived (k6 sets `error` / `error_code`). */
  readonly status: number;
  readonly body: string | null;
  /** k6 error_code: 1050 is a request timeout. */
  readonly errorCode: number;
  readonly error: string;
}

export interface K6RequestParams {
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
  /** ms */
  readonly timeout: number;
}

/** `Trend`, `Rate` and `Counter` of k6/metrics all fit. */
export interface K6MetricSink {
  add(value: number | boolean, tags?: { [name: string]: string }): void;
}

export interface K6Deps {
  request(method: 'POST' | 'DELETE', url: string, body: string | null, params: K6RequestParams): K6Response;
  /** k6's sleep: seconds. */
  sleep(seconds: number): void;
  /** Wall clock, ms. */
  now(): number;
  readonly metrics: K6Metrics;
}

/** The custom metrics the script emits; `callstorm ingest k6` reads them back. */
export const K6_METRICS = {
  /** Trend (time): voice-to-voice of every answered (or failed) turn. */
  voiceToVoice: 'callstorm_voice_to_voice',
  /** Counter: one point per turn; its tags carry the turn record. */
  turns: 'callstorm_turns',
  /** Counter: one point per call at its end; its tags carry how it ended. */
  calls: 'callstorm_calls',
  /** Rate: calls that failed (protocol error, 5xx, timeout). */
  failed: 'callstorm_failed',
  /** Rate: calls the caller abandoned (dead air beyond patience). */
  abandoned: 'callstorm_abandoned',
} as const;

export type K6Metrics = { readonly [K in keyof typeof K6_METRICS]: K6MetricSink };

export interface K6CallOptions {
  readonly baseUrl: string;
  readonly runId: string;
  readonly speed: number;
  /** Give up on one request after this long (default 30 s), like the Node adapter. */
  readonly requestTimeoutMs?: number;
}

const MAX_REPEATS = 2;
const TIMEOUT_CODE = 1050;

// ---- utterance audio, byte for byte as simulators/callers/utterance-audio.ts (no Buffer in k6) ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  return out;
}

function utf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** Base64 μ-law audio of `speechMs` carrying the utterance id ("CSU1" · length · id · 0xFF silence). */
export function k6UtteranceAudio(utteranceId: string, speechMs: number): string {
  const id = utf8(utteranceId);
  const raw = [0x43, 0x53, 0x55, 0x31, id.length, ...id];
  while (raw.length % 3 !== 0) raw.push(0xff);
  let total = Math.max(Math.round(speechMs * 8), raw.length);
  total += (3 - (total % 3)) % 3;
  return base64(raw) + '////'.repeat((total - raw.length) / 3);
}

// ---- bodies, exactly as the Node adapter sends them ----

export function k6CreateCallBody(plan: K6Plan): string {
  return JSON.stringify({
    callId: plan.id,
    from: plan.caller.phone,
    to: '0800 000 0000',
    locale: plan.locale,
    region: plan.region,
    consentRequired: plan.consentRequired,
  });
}

export function k6TurnBody(
  turn: number,
  id: string,
  audio: string,
  speechMs: number,
  bargeInAtMs: number | null,
): string {
  const barge = bargeInAtMs !== null ? `,"bargeIn":{"atMs":${bargeInAtMs}}` : '';
  return `{"turn":${turn},"utterance":{"id":${JSON.stringify(id)},"audio":"${audio}","speechMs":${speechMs}}${barge}}`;
}

// ---- which plan an iteration plays ----

/**
 * The shard (1-based) a runner with this k6 execution segment plays, when the segments are the n
 * equal ones `(k-1)/n:k/n` that `--execution-segment-sequence 0,1/n,…,1` and k6-operator use;
 * null when the segment is absent or not one of those (then the runner loads every shard).
 */
export function shardOfSegment(segment: string | undefined | null, n: number): number | null {
  if (!segment || n < 1) return null;
  const parts = segment.split(':');
  const value = (text: string | undefined): number => {
    const t = (text ?? '').trim();
    if (t === '') return Number.NaN;
    if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100;
    const f = t.split('/');
    return f.length === 2 ? Number(f[0]) / Number(f[1]) : Number(t);
  };
  const from = parts.length === 1 ? 0 : value(parts[0]);
  const to = parts.length === 1 ? value(parts[0]) : value(parts[1]);
  const k = Math.round(from * n) + 1;
  const eps = 1e-9;
  if (!(Math.abs(from * n - (k - 1)) < eps && Math.abs(to * n - k) < eps)) return null;
  return k >= 1 && k <= n ? k : null;
}

/**
 * Position, in the plans this runner loaded, of the plan for test-wide iteration `i`
 * (`exec.scenario.iterationInTest`), or -1 when iteration `i` is not this runner's. Shard k of n
 * holds plans k-1, k-1+n, k-1+2n, … (the call generator's `plans({k, n})`); with equal segments
 * k6 stripes arrival-rate iterations the same way, so runner k only ever sees those.
 */
export function planPosition(i: number, shard: number | null, n: number): number {
  if (shard === null) return i;
  return i % n === shard - 1 ? Math.floor(i / n) : -1;
}

// ---- one call ----

interface Turned {
  readonly ok: boolean;
  readonly response: K6Response;
  readonly hungUp: boolean;
}

function tagString(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Plays one planned call against the agent, emitting metrics; returns how it ended (for tests). */
export function playK6Call(plan: K6Plan, deps: K6Deps, options: K6CallOptions): string {
  const { metrics } = deps;
  const base = options.baseUrl.replace(/\/+$/, '');
  const speed = options.speed;
  const maxTimeout = options.requestTimeoutMs ?? 30_000;
  const flow = plan.flows[0] ?? '';
  const callTags = { call: plan.id, cohort: plan.cohort, flow };
  const startWall = deps.now();
  const scenarioAt = (wall: number) => plan.arrivalMs + (wall - startWall) * speed;
  const headers = (withBody: boolean): Record<string, string> => ({
    ...(withBody ? { 'content-type': 'application/json' } : {}),
    'x-callstorm-run': options.runId,
    'x-callstorm-call': plan.id,
  });
  const sleepUntil = (wall: number) => {
    const delay = wall - deps.now();
    if (delay > 0) deps.sleep(delay / 1000);
  };
  // One request under the caller's patience, counted from `fromWall`.
  const send = (
    method: 'POST' | 'DELETE',
    path: string,
    name: string,
    body: string | null,
    turn: string,
    fromWall: number,
    expected: number,
  ): Turned => {
    const patienceLeft = Math.max(1, fromWall + plan.patienceMs - deps.now());
    const timeout = Math.min(maxTimeout, patienceLeft);
    const response = deps.request(method, `${base}${path}`, body, {
      headers: headers(body !== null),
      tags: { ...callTags, turn, name },
      timeout,
    });
    const hungUp = response.status === 0 && response.errorCode === TIMEOUT_CODE && timeout === patienceLeft;
    return { ok: response.status === expected, response, hungUp };
  };

  let sessionId: string | null = null;
  let agentAudioMs = 0;
  let deadLettered = 0;
  /** What the agent said when it picked up (the gates' recording-notice check reads it). */
  let greetingText: string | null = null;
  const finish = (ending: Record<string, string | number>, hangUp: boolean): string => {
    if (hangUp && sessionId !== null) {
      send(
        'DELETE',
        `/v1/calls/${encodeURIComponent(sessionId)}`,
        'DELETE /v1/calls/{id}',
        null,
        'end',
        deps.now(),
        204,
      );
    }
    const by = String(ending.by);
    const endTags: Record<string, string> = { ...callTags };
    for (const [k, v] of Object.entries(ending)) endTags[k] = String(v);
    endTags.index = String(plan.index);
    endTags.ended_ms = String(Math.round(scenarioAt(deps.now())));
    endTags.agent_audio_ms = String(agentAudioMs);
    endTags.dead_lettered = String(deadLettered);
    if (greetingText !== null) endTags.greeting = greetingText.slice(0, 2000); // MAX_GREETING of call records
    metrics.calls.add(1, endTags);
    metrics.failed.add(by === 'failure', callTags);
    metrics.abandoned.add(by === 'caller-abandoned', callTags);
    return by;
  };
  const failureOf = (r: K6Response, what: string): Record<string, string | number> => {
    const kind =
      r.status === 0
        ? r.errorCode === TIMEOUT_CODE
          ? 'timeout'
          : 'network-error'
        : r.status >= 500
          ? 'http-error'
          : 'protocol-error';
    const message =
      r.status === 0
        ? `${what}: ${r.error}`
        : `${what} answered ${r.status}: ${(r.body ?? '').slice(0, 300)}`;
    return { kind, status: r.status === 0 ? '' : r.status, message: message.slice(0, 500) };
  };
  const parse = (r: K6Response): Record<string, unknown> | null => {
    try {
      const json: unknown = JSON.parse(r.body ?? '');
      return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  // Dial.
  const dialled = deps.now();
  const created = send('POST', '/v1/calls', 'POST /v1/calls', k6CreateCallBody(plan), 'dial', dialled, 201);
  if (created.hungUp)
    return finish({ by: 'caller-abandoned', at_turn: 0, waited_ms: plan.patienceMs }, false);
  if (!created.ok)
    return finish({ by: 'failure', at_turn: 0, ...failureOf(created.response, 'POST /v1/calls') }, false);
  const greeting = parse(created.response);
  if (!greeting || typeof greeting.sessionId !== 'string' || typeof greeting.greeting !== 'string') {
    return finish(
      {
        by: 'failure',
        at_turn: 0,
        kind: 'protocol-error',
        status: 201,
        message: 'POST /v1/calls: body is not a call',
      },
      false,
    );
  }
  sessionId = greeting.sessionId;
  greetingText = greeting.greeting;
  const greetingMs =
    typeof greeting.greetingAudioMs === 'number'
      ? greeting.greetingAudioMs
      : Math.round((greeting.greeting.split(/\s+/).filter(Boolean).length / 160) * 60_000);
  agentAudioMs += greetingMs;
  let listenUntil = deps.now() + greetingMs / speed;
  let previousReplyStart = listenUntil;
  let previousReplyAudioMs = 0;
  let seq = 0;
  const turnsPath = `/v1/calls/${encodeURIComponent(sessionId)}/turns`;

  for (const turn of plan.turns) {
    for (let attempt = 0; attempt <= MAX_REPEATS; attempt++) {
      const bargeIn = attempt === 0 && turn.bargeInAtMs !== null && turn.bargeInAtMs < previousReplyAudioMs;
      const speakFrom = bargeIn
        ? previousReplyStart + (turn.bargeInAtMs as number) / speed
        : listenUntil + turn.thinkMs / speed;
      const intendedSend = speakFrom + turn.speechMs / speed;
      sleepUntil(intendedSend);
      const sendLagMs = Math.max(0, deps.now() - intendedSend);
      const sentAtMs = scenarioAt(intendedSend);
      const body = k6TurnBody(
        seq++,
        turn.id,
        k6UtteranceAudio(turn.id, turn.speechMs),
        turn.speechMs,
        bargeIn ? turn.bargeInAtMs : null,
      );
      const result = send(
        'POST',
        turnsPath,
        'POST /v1/calls/{id}/turns',
        body,
        String(turn.index),
        intendedSend,
        200,
      );
      const received = deps.now();
      const turnTags: Record<string, string> = {
        ...callTags,
        flow: turn.expect.flow,
        turn: String(turn.index),
        kind: turn.kind,
        sent_ms: String(sentAtMs),
        send_lag_ms: String(sendLagMs),
        barge_in: String(bargeIn),
      };
      const reply = result.ok ? parse(result.response) : null;
      const action = reply?.action;
      const validReply =
        reply !== null &&
        (action === 'continue' || action === 'end' || action === 'transfer') &&
        typeof (reply.reply as { audioMs?: unknown } | undefined)?.audioMs === 'number';
      if (!validReply) {
        if (result.hungUp) {
          metrics.turns.add(1, { ...turnTags, status: 'hung-up', v2v_ms: '' });
          return finish({ by: 'caller-abandoned', at_turn: turn.index, waited_ms: plan.patienceMs }, true);
        }
        const failure = result.ok
          ? { kind: 'protocol-error', status: 200, message: 'POST turns: body is not a turn response' }
          : failureOf(result.response, 'POST turns');
        const v2v = received - intendedSend;
        const status =
          result.response.status !== 0
            ? String(result.response.status)
            : failure.kind === 'timeout'
              ? 'timeout'
              : 'network-error';
        metrics.turns.add(1, { ...turnTags, status, v2v_ms: String(v2v) });
        metrics.voiceToVoice.add(v2v, turnTags);
        return finish({ by: 'failure', at_turn: turn.index, ...failure }, true);
      }
      const r = reply as {
        reply: { audioMs: number };
        action: string;
        transfer?: { queue: string; reason: string };
        telemetry?: Record<string, unknown> & {
          reprompt?: boolean;
          writes?: { deadLettered?: number };
        };
      };
      const v2v = received - intendedSend;
      agentAudioMs += r.reply.audioMs;
      deadLettered += r.telemetry?.writes?.deadLettered ?? 0;
      metrics.turns.add(1, {
        ...turnTags,
        status: '200',
        v2v_ms: String(v2v),
        action: r.action,
        transfer_reason: tagString(r.transfer?.reason),
        agent: r.telemetry ? JSON.stringify(r.telemetry) : '',
      });
      metrics.voiceToVoice.add(v2v, turnTags);
      if (r.action === 'transfer') {
        return finish(
          {
            by: 'agent-transfer',
            at_turn: turn.index,
            reason: r.transfer?.reason ?? 'unspecified',
            queue: r.transfer?.queue ?? 'default',
          },
          false,
        );
      }
      if (r.action === 'end') return finish({ by: 'agent-end', at_turn: turn.index }, false);
      previousReplyStart = received;
      previousReplyAudioMs = r.reply.audioMs;
      listenUntil = received + r.reply.audioMs / speed;
      if (!r.telemetry?.reprompt) break;
    }
  }
  return finish({ by: 'caller-done', at_turn: plan.turns.length - 1 }, true);
}
