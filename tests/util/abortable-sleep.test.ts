import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { sleep, sleepOrThrow, sleepUntil } from '../../src/util/abortable-sleep.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('sleep resolves true after the full time and false when aborted first', async () => {
  const full = sleep(1000);
  await vi.advanceTimersByTimeAsync(1000);
  expect(await full).toBe(true);

  const controller = new AbortController();
  const cut = sleep(1000, controller.signal);
  await vi.advanceTimersByTimeAsync(10);
  controller.abort(new Error('stop'));
  expect(await cut).toBe(false);
  expect(await sleep(1000, controller.signal)).toBe(false);
  expect(vi.getTimerCount()).toBe(0);
});

test('sleepOrThrow rejects with the reason; non-positive and non-finite waits do not wait', async () => {
  const controller = new AbortController();
  const reason = new Error('run stopped');
  const pending = sleepOrThrow(5000, controller.signal);
  controller.abort(reason);
  await expect(pending).rejects.toBe(reason);
  await expect(sleepOrThrow(10, controller.signal)).rejects.toBe(reason);
  await expect(sleepOrThrow(0)).resolves.toBeUndefined();
  await expect(sleepOrThrow(Number.NaN)).resolves.toBeUndefined();
  expect(await sleep(Number.POSITIVE_INFINITY)).toBe(true);
});

test('sleepUntil waits for a performance.now() instant', async () => {
  let done = false;
  const p = sleepUntil(performance.now() + 500).then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(499);
  expect(done).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  await p;
  expect(done).toBe(true);
});

test('sleepUntil never returns before its instant, though timers run on a whole-millisecond clock', async () => {
  vi.useRealTimers();
  for (let i = 0; i < 40; i++) {
    const target = performance.now() + 0.5 + (i % 7) * 0.37;
    await sleepUntil(target);
    expect(performance.now()).toBeGreaterThanOrEqual(target);
  }
});
