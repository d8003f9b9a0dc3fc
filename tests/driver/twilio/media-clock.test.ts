import { expect, test } from 'vitest';
import {
  type ClockTimer,
  MediaClock,
  type MediaParticipant,
} from '../../../src/driver/twilio/media-clock.ts';

/** A timer whose time moves only when the test says; `fire` runs what is due. */
function fakeTimer() {
  let now = 1_000;
  let pending: { run: () => void; at: number } | null = null;
  let sets = 0;
  const timer: ClockTimer = {
    now: () => now,
    set(run, delayMs) {
      sets++;
      pending = { run, at: now + delayMs };
      return pending;
    },
    clear(handle) {
      if (pending === handle) pending = null;
    },
  };
  return {
    timer,
    get sets() {
      return sets;
    },
    get pending() {
      return pending;
    },
    /** Moves time to `to`, firing the timer whenever it falls due (at its due time, plus `lateMs`). */
    advance(to: number, lateMs = 0) {
      while (pending && pending.at + lateMs <= to) {
        const p = pending;
        pending = null;
        now = p.at + lateMs;
        p.run();
      }
      now = to;
    },
  };
}

const recorder = () => {
  const due: number[] = [];
  const p: MediaParticipant & { due: number[] } = { due, tick: (d) => due.push(d), failed: () => {} };
  return p;
};

test('one timer runs every participant once per 20 ms tick, on a fixed grid, in the order they joined', () => {
  const t = fakeTimer();
  const clock = new MediaClock({ timer: t.timer });
  const order: string[] = [];
  const a: MediaParticipant = { tick: () => order.push('a'), failed: () => {} };
  const b: MediaParticipant = { tick: () => order.push('b'), failed: () => {} };
  clock.add(a);
  clock.add(b);
  t.advance(1_100);
  expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  expect(t.sets).toBe(6); // one timeout per tick for all participants, not one per participant
  expect(clock.stats.ticks).toBe(5);
});

test('due times stay on the grid however late the timer fires; ticks missed while busy are made up at once', () => {
  const t = fakeTimer();
  const clock = new MediaClock({ timer: t.timer });
  const p = recorder();
  clock.add(p);
  t.advance(1_060, 3); // the timer fires 3 ms late every time
  expect(p.due).toEqual([1_020, 1_040]);
  // A 95 ms stall: the ticks due meanwhile run back to back, each with its own due time.
  t.advance(1_160, 95);
  expect(p.due).toEqual([1_020, 1_040, 1_060, 1_080, 1_100, 1_120, 1_140]);
  expect(clock.stats.lag.max).toBeGreaterThanOrEqual(95);
});

test('a participant that joins later runs from the next grid point; the timer stops when the last leaves', () => {
  const t = fakeTimer();
  const clock = new MediaClock({ timer: t.timer });
  const a = recorder();
  clock.add(a);
  t.advance(1_030);
  const b = recorder();
  clock.add(b);
  t.advance(1_060);
  expect(b.due).toEqual([1_040, 1_060]);
  clock.remove(a);
  clock.remove(b);
  expect(t.pending).toBeNull();
  // Restarted: still the same grid.
  t.advance(1_075);
  clock.add(a);
  t.advance(1_100);
  expect(a.due.slice(-2)).toEqual([1_080, 1_100]);
});

test('a participant that throws is removed and told; the others carry on', () => {
  const t = fakeTimer();
  const clock = new MediaClock({ timer: t.timer });
  const failures: unknown[] = [];
  const bad: MediaParticipant = {
    tick: () => {
      throw new Error('boom');
    },
    failed: (e) => failures.push(e),
  };
  const good = recorder();
  clock.add(bad);
  clock.add(good);
  t.advance(1_060);
  expect(failures).toHaveLength(1);
  expect(good.due).toEqual([1_020, 1_040, 1_060]);
  expect(clock.size).toBe(1);
});
