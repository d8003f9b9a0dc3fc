import { Agent, request } from 'undici';
import type { PlaybackAnnouncement } from '../../simulators/dependencies/playback-registry.ts';

/**
 * Tells the ASR simulator what the callers start playing (`POST <asr controlUrl>/playing`), so it
 * can link the speech it hears to planned utterances (docs/simulators.md, "Linking speech").
 * Announcements made in the same tick go in one request. `announce` resolves once the simulator
 * has the announcement, and never rejects: a lost announcement shows up as audio the ASR could not
 * link (counted there), and as `failures` here.
 */
export interface PlaybackAnnouncer {
  announce(utteranceId: string, startedAtEpochMs: number): Promise<void>;
  /** Announcements the simulator did not acknowledge. */
  readonly failures: number;
  close(): Promise<void>;
}

export function createPlaybackAnnouncer(
  controlUrl: string,
  options: { timeoutMs?: number } = {},
): PlaybackAnnouncer {
  const url = `${controlUrl.replace(/\/+$/, '')}/playing`;
  const timeout = options.timeoutMs ?? 10_000;
  const dispatcher = new Agent({ connections: 4, headersTimeout: timeout, bodyTimeout: timeout });
  let batch: { items: PlaybackAnnouncement[]; done: Promise<void> } | null = null;
  let failures = 0;

  const send = async (items: PlaybackAnnouncement[]): Promise<void> => {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ playing: items }),
        dispatcher,
      });
      await res.body.text();
      if (res.statusCode !== 200) failures += items.length;
    } catch {
      failures += items.length;
    }
  };

  return {
    announce(utteranceId, startedAtEpochMs) {
      if (!batch) {
        const items: PlaybackAnnouncement[] = [];
        const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          batch = null;
          return send(items);
        });
        batch = { items, done };
      }
      batch.items.push({ utteranceId, startedAt: Math.round(startedAtEpochMs) });
      return batch.done;
    },
    get failures() {
      return failures;
    },
    async close() {
      await batch?.done;
      await dispatcher.close();
    },
  };
}
