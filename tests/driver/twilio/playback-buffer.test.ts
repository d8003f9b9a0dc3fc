import { expect, test } from 'vitest';
import { PlaybackBuffer } from '../../../src/driver/twilio/playback-buffer.ts';

const audio = (n: number, byte = 0x10) => new Uint8Array(n).fill(byte);

test('plays payloads of any size out a 20 ms frame at a time, silence once it runs dry', () => {
  const b = new PlaybackBuffer(16_000);
  b.pushAudio(audio(100, 1));
  b.pushAudio(audio(16_000 - 100, 2)); // Pipecat's 2 s of end-of-call silence is one message
  const frame = new Uint8Array(160);
  let frames = 0;
  let bytes = 0;
  for (;;) {
    const played = b.play(frame);
    if (played.audioBytes === 0) break;
    frames++;
    bytes += played.audioBytes;
  }
  expect(frames).toBe(100); // 2 s
  expect(bytes).toBe(16_000);
  expect(frame.every((v) => v === 0xff)).toBe(true);
});

test('a mark is echoed once the audio before it has played; on an empty buffer at the next frame', () => {
  const b = new PlaybackBuffer(8_000);
  const frame = new Uint8Array(160);
  b.pushMark('first');
  expect(b.play(frame).marks).toEqual(['first']);
  b.pushAudio(audio(240));
  b.pushMark('after-30ms');
  expect(b.play(frame).marks).toEqual([]);
  const second = b.play(frame);
  expect(second.audioBytes).toBe(80);
  expect(second.marks).toEqual(['after-30ms']);
});

test('clear drops the audio and hands back every pending mark, in order', () => {
  const b = new PlaybackBuffer(8_000);
  b.pushAudio(audio(1_600));
  b.pushMark('a');
  b.pushAudio(audio(1_600));
  b.pushMark('b');
  expect(b.clear()).toEqual(['a', 'b']);
  expect(b.bufferedBytes).toBe(0);
  expect(b.play(new Uint8Array(160)).audioBytes).toBe(0);
});

test('audio past the cap is dropped and counted: a bot faster than real time is flagged, not believed', () => {
  const b = new PlaybackBuffer(8_000); // 1 s
  expect(b.pushAudio(audio(6_000))).toBe(0);
  expect(b.pushAudio(audio(6_000))).toBe(4_000);
  expect(b.bufferedBytes).toBe(8_000);
  expect(b.droppedBytes).toBe(4_000);
  expect(b.peakBytes).toBe(8_000);
});
