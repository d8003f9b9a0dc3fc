import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import { renderSpeech } from '../../../simulators/dependencies/speech-synthesis.ts';
import { mulawToPcm, pcmToMulaw } from '../../../src/audio/g711.ts';
import { rmsDbfs } from '../../../src/audio/pcm16.ts';

/** One call as a scripted bot sees it. */
export interface BotCall {
  readonly ws: WebSocket;
  /** Every text message from the caller side, parsed, in order (media included). */
  readonly received: Record<string, unknown>[];
  /** The `start` message's `start` object. */
  readonly start: Promise<Record<string, unknown>>;
  /** Sends JSON (or raw text / binary) to the caller side. */
  send(message: Record<string, unknown> | string | Buffer): void;
  /** Speaks `ms` of speech-like audio as media messages (`chunkMs` each, paced in real time unless `paced: false`). */
  speak(ms: number, options?: { chunkMs?: number; paced?: boolean; text?: string }): Promise<void>;
  /** Stops an utterance being spoken (the next chunk is not sent). */
  hush(): void;
  /** POSTs to the fake Twilio's call resource with Basic auth (form body), as a bot hangs up or transfers. */
  rest(form: Record<string, string>): Promise<number>;
  /** GETs the call resource. */
  lookUp(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resolves after the caller side's next utterance ends (speech, then 400 ms of silence). */
  nextUtteranceEnd(): Promise<void>;
  /** Resolves when the caller side starts speaking next. */
  nextUtteranceStart(): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export interface ScriptedTwilioBot {
  /** `twilio+ws://127.0.0.1:PORT/ws`. */
  readonly url: string;
  readonly calls: BotCall[];
  close(): Promise<void>;
}

/**
 * A Twilio Media Streams bot for tests: a real WebSocket server on 127.0.0.1:0 that hands each
 * call to `script`, with helpers to speak (TTS-simulator-like speech as μ-law media), listen for
 * the caller's utterances by level, and use the fake Twilio REST API at `twilioUrl` (its base URL,
 * or how to get it once the run's simulators listen: what `TWILIO_BASE_URL` tells a real bot).
 */
export async function startScriptedTwilioBot(
  twilioUrl: string | (() => string),
  script: (call: BotCall) => void | Promise<void>,
): Promise<ScriptedTwilioBot> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const calls: BotCall[] = [];
  wss.on('connection', (ws) => {
    const call = botCall(ws, typeof twilioUrl === 'string' ? () => twilioUrl : twilioUrl);
    calls.push(call);
    void Promise.resolve(script(call)).catch(() => {});
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `twilio+ws://127.0.0.1:${port}/ws`,
    calls,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function botCall(ws: WebSocket, twilioUrl: () => string): BotCall {
  const received: Record<string, unknown>[] = [];
  let resolveStart: (s: Record<string, unknown>) => void = () => {};
  const start = new Promise<Record<string, unknown>>((r) => {
    resolveStart = r;
  });
  const closed = new Promise<{ code: number; reason: string }>((done) =>
    ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
  );
  let streamSid = '';
  let inUtterance = false;
  let quietFrames = 0;
  const endWaiters: (() => void)[] = [];
  const startWaiters: (() => void)[] = [];
  let hushed = 0;
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    received.push(m);
    if (m['event'] === 'start') {
      streamSid = String(m['streamSid']);
      resolveStart(m['start'] as Record<string, unknown>);
    }
    if (m['event'] !== 'media') return;
    const payload = Buffer.from(String((m['media'] as Record<string, unknown>)['payload']), 'base64');
    const level = rmsDbfs(mulawToPcm(payload));
    if (level > -50) {
      if (!inUtterance) for (const w of startWaiters.splice(0)) w();
      inUtterance = true;
      quietFrames = 0;
    } else if (inUtterance && ++quietFrames >= 20) {
      inUtterance = false;
      for (const w of endWaiters.splice(0)) w();
    }
  });
  const send = (message: Record<string, unknown> | string | Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message), {
      binary: Buffer.isBuffer(message),
    });
  };
  const resource = async () => {
    const s = (await start) as { accountSid: string; callSid: string };
    return {
      url: `${twilioUrl()}/2010-04-01/Accounts/${s.accountSid}/Calls/${s.callSid}.json`,
      auth: `Basic ${Buffer.from(`${s.accountSid}:token`).toString('base64')}`,
    };
  };
  return {
    ws,
    received,
    start,
    closed,
    send,
    async speak(ms, options = {}) {
      const chunkMs = options.chunkMs ?? 40;
      const pcm = renderSpeech(options.text ?? 'Hello there, thanks for calling. How can I help?', {
        sampleRate: 8000,
        audioMs: ms,
        seed: 'bot',
      });
      const audio = Buffer.from(pcmToMulaw(pcm));
      const myHush = hushed;
      const step = chunkMs * 8;
      for (let at = 0; at < audio.length; at += step) {
        if (hushed !== myHush || ws.readyState !== WebSocket.OPEN) return;
        send({
          event: 'media',
          streamSid,
          media: { payload: audio.subarray(at, at + step).toString('base64') },
        });
        if (options.paced !== false) await new Promise((r) => setTimeout(r, chunkMs));
      }
    },
    hush() {
      hushed++;
    },
    async rest(form) {
      const r = await resource();
      const res = await request(r.url, {
        method: 'POST',
        headers: { authorization: r.auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      await res.body.text();
      return res.statusCode;
    },
    async lookUp() {
      const r = await resource();
      const res = await request(r.url, { headers: { authorization: r.auth } });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    },
    nextUtteranceEnd() {
      return new Promise((resolve) => endWaiters.push(resolve));
    },
    nextUtteranceStart() {
      return new Promise((resolve) => startWaiters.push(resolve));
    },
  };
}
