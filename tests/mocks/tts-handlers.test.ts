import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTtsHandlers } from '../../mocks/tts-handlers.ts';
import { TtsSynthesiser } from '../../simulators/dependencies/tts-synthesiser.ts';

const server = setupServer(
  ...createTtsHandlers({
    synthesiser: new TtsSynthesiser({ seed: 5, tts: { ttfbMedianMs: 120, ttfbP90Ms: 121 } }),
    baseUrl: 'http://tts.sim',
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const speak = (text: string, query = 'model=aura-2-thalia-en&encoding=mulaw&sample_rate=8000') =>
  fetch(`http://tts.sim/v1/speak?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

test('speaks μ-law 8 kHz audio whose duration follows the text, streamed after a first-byte delay', async () => {
  const text =
    'I can set up a plan of one hundred and sixty pounds a week starting on Tuesday the tenth of March for you.';
  const started = performance.now();
  const response = await speak(text);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('audio/mulaw');
  const audioMs = Number(response.headers.get('x-callstorm-audio-ms'));
  // 23 words at 160 words a minute.
  expect(text.split(' ')).toHaveLength(23);
  expect(audioMs).toBe(Math.round((23 * 60_000) / 160));
  const reader = response.body!.getReader();
  let bytes = 0;
  let chunks = 0;
  let firstByteMs = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks === 0) firstByteMs = performance.now() - started;
    chunks++;
    bytes += value.length;
  }
  expect(bytes).toBe(audioMs * 8);
  expect(chunks).toBeGreaterThan(1);
  expect(firstByteMs).toBeGreaterThanOrEqual(100);
});

test('a longer text takes longer to say', async () => {
  const short = Number((await speak('Goodbye.')).headers.get('x-callstorm-audio-ms'));
  const long = Number(
    (await speak('Thanks for calling today, take care and have a lovely afternoon. Goodbye.')).headers.get(
      'x-callstorm-audio-ms',
    ),
  );
  expect(long).toBeGreaterThan(short * 5);
});

test("refuses encodings it cannot speak and empty text, in Deepgram's error shape", async () => {
  const wrong = await speak('Hello', 'encoding=mp3');
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toMatchObject({
    err_code: 'Bad Request',
    err_msg: expect.stringContaining('mp3'),
  });
  expect((await speak('Hello', 'encoding=linear16&sample_rate=96000')).status).toBe(400);
  expect((await speak('Hello', 'encoding=linear16&container=ogg')).status).toBe(400);
  expect((await speak('  ')).status).toBe(400);
});
