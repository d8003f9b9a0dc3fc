import { describe, expect, test } from 'vitest';
import type { RequestContext } from '../../../../simulators/dependencies/faults/fault-effects.ts';
import { FaultSet } from '../../../../simulators/dependencies/faults/fault-set.ts';
import { seeded } from '../../../../simulators/seeded-random.ts';
import { CallstormError } from '../../../../src/errors/callstorm-error.ts';

const crmCtx = (path = '/v1/accounts/40000000', extra: Partial<RequestContext> = {}): RequestContext => ({
  simulator: 'crm',
  endpoint: 'crm',
  method: 'GET',
  path,
  ...extra,
});

function thrown(fn: () => unknown): CallstormError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CallstormError) return error;
    throw error;
  }
  throw new Error('expected a CallstormError');
}

describe('FaultSet.set validation', () => {
  test('a bad attribute is refused with CS_ERR_FAULT_INVALID naming the field', () => {
    const faults = new FaultSet({ kind: 'crm' });
    const error = thrown(() => faults.set({ type: 'http-error', params: { rate: 1.5 } }));
    expect(error.code).toBe('CS_ERR_FAULT_INVALID');
    expect(error.message).toContain('params.rate');
    expect(error.message).toContain('http-error');
    expect(faults.list()).toEqual([]);
  });

  test('a status outside 500|502|503|504|529 is refused', () => {
    const faults = new FaultSet({ kind: 'crm' });
    expect(thrown(() => faults.set({ type: 'http-error', params: { status: 404 } })).message).toContain(
      'params.status',
    );
  });

  test('an unknown attribute is named', () => {
    const faults = new FaultSet({ kind: 'crm' });
    const error = thrown(() => faults.set({ type: 'latency', params: { ms: 10, jiter: 5 } }));
    expect(error.message).toContain('params.jiter: unknown attribute');
  });

  test('a missing required attribute is named', () => {
    const error = thrown(() => new FaultSet({ kind: 'crm' }).set({ type: 'rate-limit', params: {} }));
    expect(error.message).toContain('params.rps: required');
  });

  test('an unknown fault type lists the valid names', () => {
    const error = thrown(() => new FaultSet({ kind: 'crm' }).set({ type: 'explode' }));
    expect(error.code).toBe('CS_ERR_UNKNOWN_NAME');
    expect(error.hint).toContain('http-error');
    expect(error.hint).toContain('network-outage');
  });

  test('a fault that does not apply to the simulator is refused', () => {
    const error = thrown(() =>
      new FaultSet({ kind: 'crm' }).set({ type: 'llm-slow-first-token', params: { ms: 500 } }),
    );
    expect(error.code).toBe('CS_ERR_FAULT_INVALID');
    expect(error.message).toContain('does not apply to the crm simulator');
  });

  test('bad probability and target fields are named', () => {
    const faults = new FaultSet({ kind: 'crm' });
    expect(thrown(() => faults.set({ type: 'noop', probability: 2 })).message).toContain('probability');
    expect(thrown(() => faults.set({ type: 'noop', target: { pathPrefix: 'v1' } })).message).toContain(
      'target.pathPrefix',
    );
  });

  test('defaults are filled in and shown by list()', () => {
    const faults = new FaultSet({ kind: 'crm' });
    const fault = faults.set({ type: 'http-error' });
    expect(fault).toMatchObject({
      id: 'http-error-1',
      type: 'http-error',
      probability: 1,
      params: { rate: 1, status: 503 },
      touched: 0,
    });
    expect(faults.list()).toHaveLength(1);
  });
});

describe('FaultSet lifecycle', () => {
  test('setting an active id replaces the fault; clear and clearAll remove them', () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ id: 'slow', type: 'latency', params: { ms: 100 } });
    faults.set({ id: 'slow', type: 'latency', params: { ms: 300 } });
    faults.set({ type: 'noop' });
    expect(faults.list().map((f) => [f.id, f.params.ms])).toEqual([
      ['slow', 300],
      ['noop-1', undefined],
    ]);
    expect(faults.effectsFor(crmCtx(), seeded(1)).addedLatencyMs).toBe(300);
    expect(faults.clear('slow')).toBe(true);
    expect(faults.clear('slow')).toBe(false);
    expect(faults.clearAll()).toBe(1);
    expect(faults.effectsFor(crmCtx(), seeded(1)).addedLatencyMs).toBe(0);
  });
});

describe('FaultSet.effectsFor', () => {
  test('sums the effects of every matching fault', () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ type: 'latency', params: { ms: 100 } });
    faults.set({ type: 'latency', params: { ms: 50 } });
    faults.set({ type: 'http-error', params: { status: 502 } });
    const effects = faults.effectsFor(crmCtx(), seeded(1));
    expect(effects.addedLatencyMs).toBe(150);
    expect(effects.reject?.status).toBe(502);
  });

  test('targeting by endpoint, cohort and path prefix: only matching requests are touched', () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ id: 'writes', type: 'noop', target: { pathPrefix: '/v1/accounts/40000000/claims' } });
    faults.set({ id: 'other-endpoint', type: 'noop', target: { endpoint: 'crm-backup' } });
    faults.set({ id: 'scots', type: 'noop', target: { cohort: 'scottish' } });
    const rng = seeded(1);
    faults.effectsFor(crmCtx('/v1/accounts/40000000/claims'), rng);
    faults.effectsFor(crmCtx('/v1/accounts/40000000/claims', { cohort: 'scottish' }), rng);
    faults.effectsFor(crmCtx('/v1/accounts/40000000'), rng);
    const touched = Object.fromEntries(faults.list().map((f) => [f.id, f.touched]));
    expect(touched).toEqual({ writes: 2, 'other-endpoint': 0, scots: 1 });
  });

  test('targeting by method: a fault on POST touches the CRM’s writes, not its reads', () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ id: 'writes', type: 'noop', target: { method: 'post' } });
    const rng = seeded(1);
    faults.effectsFor({ ...crmCtx('/v1/accounts/40000000/claims'), method: 'POST' }, rng);
    faults.effectsFor({ ...crmCtx('/v1/accounts/40000000'), method: 'GET' }, rng);
    expect(faults.list()[0]).toMatchObject({ target: { method: 'POST' }, touched: 1 });
    expect(thrown(() => faults.set({ type: 'noop', target: { method: 'PO ST' } })).message).toContain(
      'target.method',
    );
  });

  test('probability: a 0.3 fault touches about 30% of requests, deterministically for a seed', () => {
    const run = () => {
      const faults = new FaultSet({ kind: 'crm' });
      faults.set({ type: 'http-error', probability: 0.3 });
      const rng = seeded('probability');
      let rejected = 0;
      for (let i = 0; i < 2000; i++) if (faults.effectsFor(crmCtx(), rng).reject) rejected++;
      return { rejected, touched: faults.list()[0]!.touched };
    };
    const first = run();
    expect(first.rejected).toBe(first.touched);
    expect(first.rejected).toBeGreaterThan(500);
    expect(first.rejected).toBeLessThan(700);
    expect(run()).toEqual(first);
  });

  test('resetCounters sets touched back to zero', () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ type: 'noop' });
    faults.effectsFor(crmCtx(), seeded(1));
    expect(faults.list()[0]!.touched).toBe(1);
    faults.resetCounters();
    expect(faults.list()[0]!.touched).toBe(0);
  });
});

describe('FaultSet.hangUntilCleared', () => {
  test('a hung request is released when its network-outage fault is cleared', async () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ id: 'down', type: 'network-outage', params: { mode: 'hang' } });
    faults.set({ id: 'slow', type: 'latency', params: { ms: 5 } });
    const effects = faults.effectsFor(crmCtx(), seeded(1));
    expect(effects.network).toBe('hang');
    let released = false;
    const hang = faults.hangUntilCleared(effects, new AbortController().signal).then(() => {
      released = true;
    });
    faults.clear('slow');
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    faults.clear('down');
    await hang;
    expect(released).toBe(true);
  });

  test('a hung request whose client gives up is rejected', async () => {
    const faults = new FaultSet({ kind: 'crm' });
    faults.set({ type: 'network-outage', params: { mode: 'hang' } });
    const effects = faults.effectsFor(crmCtx(), seeded(1));
    const controller = new AbortController();
    const hang = faults.hangUntilCleared(effects, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(hang).rejects.toThrow('gave up');
  });
});
