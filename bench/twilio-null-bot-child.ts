import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startSimulatorHost } from '../mocks/simulator-host.ts';
import { twilioControl } from '../mocks/twilio-control.ts';
import { createTwilioHandlers } from '../mocks/twilio-handlers.ts';
import { FaultSet } from '../simulators/dependencies/faults/fault-set.ts';
import { TwilioCallRegistry } from '../simulators/dependencies/twilio-call-registry.ts';
import { mulawToPcm, pcmToMulaw } from '../src/audio/g711.ts';

/**
 * The Twilio benchmark's null bot, in a process of its own: a WebSocket server answering Twilio
 * Media Streams that replies to each caller utterance (speech by level, then 400 ms of quiet)
 * with 600 ms of tone, in 40 ms media messages paced in real time as Pipecat paces them (one
 * 40 ms timer for every call's reply), and the fake Twilio REST API the transport registers its
 * calls with. Prints `{"bot": port, "twilio": url, "control": url}`; `GET /cpu` on the bot's port
 * answers its CPU time so far (µs). Exits when stdin closes.
 */
const ENERGY = (() => {
  const pcm = mulawToPcm(Uint8Array.from({ length: 256 }, (_, i) => i));
  return Float64Array.from(pcm, (s) => (s / 32_768) ** 2);
})();
const SPEECH = 10 ** (-45 / 10);
const QUIET_FRAMES = 20;
const TONE_CHUNKS = 15; // 600 ms
const tone = (() => {
  const pcm = new Int16Array(320);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return Buffer.from(pcmToMulaw(pcm)).toString('base64');
})();
const SILENCE = Buffer.alloc(160, 0xff).toString('base64');

interface Call {
  readonly send: (text: string) => void;
  streamSid: string;
  inUtterance: boolean;
  quiet: number;
  /** Tone chunks still to send. */
  reply: number;
}

const calls = new Set<Call>();
const http = createServer((req, res) => {
  if (req.url === '/cpu') {
    const u = process.cpuUsage();
    res.end(JSON.stringify({ cpuMicros: u.user + u.system, calls: calls.size }));
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  const call: Call = { send: (t) => ws.send(t), streamSid: '', inUtterance: false, quiet: 0, reply: 0 };
  calls.add(call);
  ws.on('message', (data) => {
    const text = String(data);
    if (!text.startsWith('{"event":"media"')) {
      const m = JSON.parse(text) as { event: string; streamSid?: string };
      if (m.event === 'start') call.streamSid = m.streamSid ?? '';
      return;
    }
    const at = text.indexOf('"payload":"') + 11;
    const payload = text.slice(at, text.indexOf('"', at));
    let loud = false;
    if (payload !== SILENCE) {
      const bytes = Buffer.from(payload, 'base64');
      let sum = 0;
      for (const b of bytes) sum += ENERGY[b]!;
      loud = sum / bytes.length >= SPEECH;
    }
    if (loud) {
      call.inUtterance = true;
      call.quiet = 0;
    } else if (call.inUtterance && ++call.quiet >= QUIET_FRAMES) {
      call.inUtterance = false;
      call.reply = TONE_CHUNKS;
    }
  });
  ws.on('close', () => calls.delete(call));
});
setInterval(() => {
  for (const c of calls) {
    if (c.reply <= 0) continue;
    c.reply--;
    c.send(`{"event":"media","streamSid":"${c.streamSid}","media":{"payload":"${tone}"}}`);
  }
}, 40);

const registry = new TwilioCallRegistry();
const faults = new FaultSet({ kind: 'twilio' });
const twilio = await startSimulatorHost({
  name: 'twilio',
  kind: 'twilio',
  handlers: createTwilioHandlers({ calls: registry, faults }),
  faults,
  control: twilioControl(registry),
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ bot: port, twilio: twilio.url, control: twilio.controlUrl })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
