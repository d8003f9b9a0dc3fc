import { afterEach, expect, test, vi } from 'vitest';
import { RunSession } from '../../src/driver/run-session.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A session holding what a run holds, each disposer logging its name. */
function heldSession(signal?: AbortSignal) {
  const log: string[] = [];
  const session = new RunSession({ signal });
  const resource = (name: string) => session.adopt(name, { name }, (r) => void log.push(r.name));
  resource('recorder');
  resource('simulators');
  session.defer('ledger.json', async () => {
    await new Promise((r) => setTimeout(r, 5));
    log.push('ledger.json');
  });
  resource('chaos');
  resource('agent');
  resource('transport');
  return { session, log };
}

const REVERSE = ['transport', 'agent', 'chaos', 'ledger.json', 'simulators', 'recorder'];

const paths: [string, (s: RunSession, outer: AbortController) => void, string, RegExp | null][] = [
  ['normal end', (s) => s.complete(), 'complete', null],
  ['Ctrl-C', (_s, outer) => outer.abort(), 'interrupted', /^interrupted \(SIGINT\/SIGTERM/],
  [
    'a stop condition',
    (s) => s.stop('aborted', 'stop condition: failures burning 14×'),
    'aborted',
    /^stop condition/,
  ],
  ['an error', (s) => s.fail(new Error('the agent did not start')), 'failed', /^the agent did not start$/],
];

test.each(paths)(
  'on %s every resource is disposed once, newest first',
  async (_name, end, status, reason) => {
    const outer = new AbortController();
    const { session, log } = heldSession(outer.signal);
    end(session, outer);
    if (status !== 'complete') expect(session.signal.aborted).toBe(true);
    const first = session.dispose();
    const second = session.dispose();
    expect(second).toBe(first);
    const disposals = await first;
    expect(log).toEqual(REVERSE);
    // The listener on the caller's signal goes last: a Ctrl-C during the wind-down changes nothing.
    expect(disposals.map((d) => d.name)).toEqual([...REVERSE, 'stop listener']);
    expect(disposals.every((d) => d.error === null)).toBe(true);
    await session.dispose();
    expect(log).toEqual(REVERSE);
    expect(session.status).toBe(status);
    if (reason) expect(session.reason).toMatch(reason);
    else expect(session.reason).toBeNull();
  },
);

test('on the deadline the run is stopped as aborted, with the reason given then', async () => {
  vi.useFakeTimers();
  const { session, log } = heldSession();
  let inFlight = 3;
  session.armDeadline(60_000, () => `run deadline: ${inFlight} call(s) in progress`);
  inFlight = 2;
  await vi.advanceTimersByTimeAsync(59_999);
  expect(session.signal.aborted).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  expect(session.signal.aborted).toBe(true);
  expect(session.deadlineReached).toBe(true);
  expect(session.status).toBe('aborted');
  expect(session.reason).toBe('run deadline: 2 call(s) in progress');
  const disposing = session.dispose();
  await vi.runAllTimersAsync();
  await disposing;
  expect(log).toEqual(REVERSE);
});

test('a deadline that falls after the run ended changes nothing', async () => {
  vi.useFakeTimers();
  const { session } = heldSession();
  session.armDeadline(1_000, () => 'late');
  session.complete();
  await vi.advanceTimersByTimeAsync(2_000);
  expect(session.status).toBe('complete');
  expect(session.deadlineReached).toBe(false);
  // Disposing clears the timer: nothing keeps the process alive.
  const disposing = session.dispose();
  await vi.runAllTimersAsync();
  await disposing;
  expect(vi.getTimerCount()).toBe(0);
});

test('the first stop wins; once the calls have ended a stop (a late Ctrl-C) is ignored', () => {
  const outer = new AbortController();
  const { session } = heldSession(outer.signal);
  session.stop('aborted', 'stop condition: abandonment');
  outer.abort();
  expect(session.status).toBe('aborted');
  expect(session.reason).toBe('stop condition: abandonment');

  const done = heldSession();
  done.session.complete();
  done.session.stop('interrupted', 'late Ctrl-C');
  expect(done.session.status).toBe('complete');
});

test('a disposer that throws is noted in the reason and the rest still run', async () => {
  const { session, log } = heldSession();
  session.adopt('progress', null, () => {
    throw new Error('timer gone');
  });
  session.complete();
  const disposals = await session.dispose();
  expect(log).toEqual(REVERSE);
  expect(disposals[0]).toEqual({ name: 'progress', error: 'timer gone' });
  expect(session.status).toBe('complete');
  expect(session.reason).toBe('progress: timer gone');
});

test('a disposer that hangs is given up on after its bound, and the rest still run', async () => {
  const log: string[] = [];
  const session = new RunSession({ disposeTimeoutMs: 50 });
  session.defer('first', () => void log.push('first'));
  session.defer('hangs', () => new Promise(() => {}));
  session.defer('last', () => void log.push('last'));
  session.fail(new Error('boom'));
  await session.dispose();
  expect(log).toEqual(['last', 'first']);
  expect(session.reason).toBe('boom; hangs: did not finish within 0.05 s');
});

test('degrade turns a complete run into a failed one and says why (ledger.json not written)', async () => {
  const { session } = heldSession();
  session.complete();
  session.degrade('ledger.json not written: the CRM did not answer');
  expect(session.status).toBe('failed');
  expect(session.reason).toBe('ledger.json not written: the CRM did not answer');
  const stopped = heldSession();
  stopped.session.stop('interrupted', 'Ctrl-C');
  stopped.session.degrade('ledger.json not written: x');
  expect(stopped.session.status).toBe('interrupted');
  expect(stopped.session.reason).toBe('Ctrl-C; ledger.json not written: x');
});
