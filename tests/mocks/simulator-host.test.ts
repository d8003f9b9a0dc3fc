import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, test } from 'vitest';
import type { CountersSnapshot } from '../../mocks/simulator-counters.ts';
import { buildSimulatorHost, type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';

const hosts: SimulatorHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function start(
  handlers = [http.get('*/v1/ping', () => HttpResponse.json({ pong: true }))],
  faults = new FaultSet({ kind: 'tts' }),
) {
  const host = await startSimulatorHost({
    name: 'tts-test',
    kind: 'tts',
    handlers,
    faults,
    control: { views: { notes: { get: () => ({ n: 1 }) } } },
  });
  hosts.push(host);
  return { host, faults };
}

interface ErrorJson {
  error: { code: string; message: string; hint: string };
}
type CountersJson = CountersSnapshot & { faults: { id: string; type: string; touched: number }[] };

async function read<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

const json = (body: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('simulated API', () => {
  test('answers through the msw handlers on a real port', async () => {
    const { host } = await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${host.url}/v1/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ pong: true });
    expect((await fetch(`${host.url}/v1/nothing-here`)).status).toBe(404);
  });

  test('passes request bodies and headers to the handlers', async () => {
    const handlers = [
      http.post('*/v1/echo', async ({ request }) =>
        HttpResponse.json({ body: await request.text(), call: request.headers.get('x-callstorm-call') }),
      ),
    ];
    const { host } = await start(handlers);
    const res = await fetch(`${host.url}/v1/echo`, {
      method: 'POST',
      headers: { 'x-callstorm-call': 'c-9', 'content-type': 'audio/mulaw' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(await res.json()).toEqual({ body: '\u0001\u0002\u0003', call: 'c-9' });
  });

  test('streams a response through as it is produced (SSE)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handlers = [
      http.get('*/v1/stream', () => {
        const encoder = new TextEncoder();
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('data: first\n\n'));
            await gate;
            controller.enqueue(encoder.encode('data: second\n\n'));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } });
      }),
    ];
    const { host } = await start(handlers);
    const res = await fetch(`${host.url}/v1/stream`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // The first event arrives while the handler is still waiting to send the second.
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  test('a network error from a handler resets the connection', async () => {
    const { host } = await start([http.get('*/v1/down', () => HttpResponse.error())]);
    await expect(fetch(`${host.url}/v1/down`)).rejects.toThrow(TypeError);
    const counters = await read<CountersJson>(fetch(`${host.controlUrl}/counters`));
    expect(counters.network.refused).toBe(1);
  });

  test('close() releases a request that would otherwise hang forever', async () => {
    const handlers = [
      http.get(
        '*/v1/hang',
        ({ request }) =>
          new Promise<Response>((resolve) => {
            request.signal.addEventListener('abort', () => resolve(HttpResponse.error()));
          }),
      ),
    ];
    const { host } = await start(handlers);
    const pending = fetch(`${host.url}/v1/hang`).then(
      () => 'answered',
      () => 'connection closed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await host.close();
    expect(await pending).toBe('connection closed');
  });
});

describe('control API', () => {
  test('health, and counters that start at zero for every route', async () => {
    const { host } = await start();
    expect(await (await fetch(`${host.controlUrl}/health`)).json()).toMatchObject({
      status: 'ok',
      name: 'tts-test',
      kind: 'tts',
    });
    const before = await read<CountersJson>(fetch(`${host.controlUrl}/counters`));
    expect(before.requests).toEqual({ total: 0, byRoute: { 'GET /v1/ping': { total: 0, byStatus: {} } } });
    expect(before.network).toEqual({ refused: 0, aborted: 0 });
    await fetch(`${host.url}/v1/ping`);
    await fetch(`${host.url}/v1/ping`);
    const after = await read<CountersJson>(fetch(`${host.controlUrl}/counters`));
    expect(after.requests.byRoute['GET /v1/ping']).toEqual({ total: 2, byStatus: { '200': 2 } });
    expect((await fetch(`${host.controlUrl}/counters`, { method: 'DELETE' })).status).toBe(204);
    expect((await read<CountersJson>(fetch(`${host.controlUrl}/counters`))).requests.total).toBe(0);
  });

  test('PUT, GET and DELETE faults; touched counts show in counters', async () => {
    const { host, faults } = await start();
    const put = await fetch(`${host.controlUrl}/faults`, json({ id: 'probe', type: 'noop' }));
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: 'probe', type: 'noop', touched: 0 });
    faults.effectsFor({ simulator: 'tts', endpoint: 'tts-test', method: 'GET', path: '/' }, () => 0.5);
    expect(await (await fetch(`${host.controlUrl}/faults`)).json()).toMatchObject([
      { id: 'probe', touched: 1 },
    ]);
    expect((await read<CountersJson>(fetch(`${host.controlUrl}/counters`))).faults).toEqual([
      { id: 'probe', type: 'noop', touched: 1 },
    ]);

    expect(
      (await fetch(`${host.controlUrl}/faults/slow`, json({ type: 'latency', params: { ms: 5 } }))).status,
    ).toBe(200);
    expect(faults.list().map((f) => f.id)).toEqual(['probe', 'slow']);
    expect((await fetch(`${host.controlUrl}/faults/probe`, { method: 'DELETE' })).status).toBe(204);
    const missing = await fetch(`${host.controlUrl}/faults/probe`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect((await read<ErrorJson>(missing)).error.code).toBe('CS_ERR_FAULT_NOT_FOUND');
    expect(await (await fetch(`${host.controlUrl}/faults`, { method: 'DELETE' })).json()).toEqual({
      cleared: 1,
    });
    expect(faults.list()).toEqual([]);
  });

  test('a bad fault spec is a 400 that names the field and the fix', async () => {
    const { host } = await start();
    const res = await fetch(`${host.controlUrl}/faults`, json({ type: 'http-error', params: { rate: 3 } }));
    expect(res.status).toBe(400);
    const { error } = await read<ErrorJson>(res);
    expect(error.code).toBe('CS_ERR_FAULT_INVALID');
    expect(error.message).toContain('params.rate');
    expect(error.hint).toContain('docs/faults.md');
    const unknown = await read<ErrorJson>(fetch(`${host.controlUrl}/faults`, json({ type: 'meteor' })));
    expect(unknown.error.code).toBe('CS_ERR_UNKNOWN_NAME');
  });

  test('lists the fault types that apply to this simulator, and serves extra views', async () => {
    const { host } = await start();
    const types = await read<{ type: string }[]>(fetch(`${host.controlUrl}/fault-types`));
    expect(types.map((t) => t.type)).toContain('latency');
    expect(types.map((t) => t.type)).not.toContain('llm-slow-first-token');
    expect(await (await fetch(`${host.controlUrl}/notes`)).json()).toEqual({ n: 1 });
    expect((await fetch(`${host.controlUrl}/nope`)).status).toBe(404);
  });

  test('refuses control requests from a non-loopback address, but serves the simulated API', async () => {
    const built = buildSimulatorHost({
      name: 'tts-test',
      kind: 'tts',
      handlers: [http.get('*/v1/ping', () => HttpResponse.json({ pong: true }))],
      faults: new FaultSet({ kind: 'tts' }),
    });
    try {
      const refused = await built.app.inject({
        method: 'PUT',
        url: '/__callstorm/faults',
        remoteAddress: '10.0.0.5',
        payload: { type: 'http-error' },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('CS_ERR_CONTROL_FORBIDDEN');
      expect(refused.json().error.message).toContain('10.0.0.5');
      expect(
        (await built.app.inject({ method: 'GET', url: '/__callstorm/health', remoteAddress: '10.0.0.5' }))
          .statusCode,
      ).toBe(403);
      expect(
        (await built.app.inject({ method: 'GET', url: '/__callstorm/health', remoteAddress: '127.0.0.1' }))
          .statusCode,
      ).toBe(200);
      const api = await built.app.inject({ method: 'GET', url: '/v1/ping', remoteAddress: '10.0.0.5' });
      expect(api.statusCode).toBe(200);
    } finally {
      await built.close();
    }
  });
});
