// Misbehaving agents for the CLI fuzz: real HTTP servers on 127.0.0.1 (tests/driver/scripted-agent.ts)
// that answer the agent protocol wrongly in one way each.
import type { AgentScript, ScriptedAgent } from '../driver/scripted-agent.ts';
import { carryOn, drip, endAtOnce, endlessBody, json, startScriptedAgent } from '../driver/scripted-agent.ts';
import type { AgentBehaviour } from './fuzz-cases.ts';

const SCRIPTS: Record<AgentBehaviour, AgentScript> = {
  'garbage-json': {
    turn: (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"reply": {"text": "unterminated');
    },
  },
  'wrong-shape': { turn: (_r, res) => json(res, 200, { reply: 42, action: 'dance', telemetry: [] }) },
  'server-error': { create: (_r, res) => json(res, 500, { error: 'boom' }) },
  'endless-body': { turn: (_r, res) => endlessBody(res) },
  'huge-audio': {
    create: (r, res) =>
      json(res, 201, { sessionId: `s-${r.callId}`, greeting: 'Hi.', greetingAudioMs: 3_600_000_000 }),
    turn: (_r, res) =>
      json(res, 200, { reply: { text: 'Hm.', audioMs: Number.MAX_SAFE_INTEGER }, action: 'continue' }),
  },
  'negative-audio': {
    create: (r, res) => json(res, 201, { sessionId: `s-${r.callId}`, greeting: 'Hi.', greetingAudioMs: -5 }),
    turn: endAtOnce,
  },
  'drip-hang-up': { turn: carryOn, hangUp: (_r, res) => drip(res) },
  'proto-keys': {
    create: (_r, res) =>
      json(res, 201, { sessionId: '__proto__', greeting: 'constructor', greetingAudioMs: 0 }),
    turn: (_r, res) =>
      json(res, 200, {
        reply: { text: 'toString', audioMs: 0 },
        action: 'transfer',
        transferReason: 'constructor',
        queue: '__proto__',
      }),
  },
};

export function startFuzzAgent(behaviour: AgentBehaviour): Promise<ScriptedAgent> {
  return startScriptedAgent(SCRIPTS[behaviour]);
}
