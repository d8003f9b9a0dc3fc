/** The identifiers of one stream, as Twilio would give them. */
export interface StreamIds {
  /** `MZ` + 32 hex. */
  readonly streamSid: string;
  /** `CA` + 32 hex. */
  readonly callSid: string;
  /** `AC` + 32 hex. */
  readonly accountSid: string;
}

/**
 * The messages Twilio sends a bot over a bidirectional Media Stream (`<Connect><Stream>`), in
 * Twilio's field order and types: `connected` first, then `start` (sequenceNumber "1"), then
 * `media`, `dtmf` and `mark` (each with the next sequenceNumber, as a string), `stop` last.
 * Media carries `track: "inbound"` (the caller), `chunk` counting from "1" and `timestamp` in
 * ms since the stream started, both strings; the payload is base64 μ-law 8 kHz.
 */
export class MediaStreamMessages {
  readonly ids: StreamIds;
  readonly #customParameters: Readonly<Record<string, string>>;
  #sequence = 0;
  readonly #sid: string;

  constructor(ids: StreamIds, customParameters: Readonly<Record<string, string>>) {
    this.ids = ids;
    this.#customParameters = customParameters;
    this.#sid = JSON.stringify(ids.streamSid);
  }

  /** The last sequenceNumber used. */
  get sequence(): number {
    return this.#sequence;
  }

  connected(): string {
    return '{"event":"connected","protocol":"Call","version":"1.0.0"}';
  }

  start(): string {
    const { accountSid, streamSid, callSid } = this.ids;
    return JSON.stringify({
      event: 'start',
      sequenceNumber: String(++this.#sequence),
      start: {
        accountSid,
        streamSid,
        callSid,
        tracks: ['inbound'],
        customParameters: this.#customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid,
    });
  }

  /** One inbound media frame (built by hand: the hot path, 50 a second per call). */
  media(chunk: number, timestampMs: number, payload: string): string {
    return `{"event":"media","sequenceNumber":"${++this.#sequence}","media":{"track":"inbound","chunk":"${chunk}","timestamp":"${timestampMs}","payload":"${payload}"},"streamSid":${this.#sid}}`;
  }

  dtmf(digit: string): string {
    return JSON.stringify({
      event: 'dtmf',
      streamSid: this.ids.streamSid,
      sequenceNumber: String(++this.#sequence),
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** The echo of a bot's mark, once the audio before it has played (or a clear dropped it). */
  mark(name: string): string {
    return JSON.stringify({
      event: 'mark',
      sequenceNumber: String(++this.#sequence),
      streamSid: this.ids.streamSid,
      mark: { name },
    });
  }

  stop(): string {
    const { accountSid, callSid, streamSid } = this.ids;
    return JSON.stringify({
      event: 'stop',
      sequenceNumber: String(++this.#sequence),
      streamSid,
      stop: { accountSid, callSid },
    });
  }
}
