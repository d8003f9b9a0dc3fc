import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { type SimulatorHost, startSimulatorHost } from '../../mocks/simulator-host.ts';
import type { UpgradeRoutes } from '../../mocks/websocket-upgrades.ts';
import { FaultSet } from '../../simulators/dependencies/faults/fault-set.ts';

const hosts: SimulatorHost[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** Echoes every message back; the first message it sends is the request's URL (query included). */
const echo: UpgradeRoutes[string] = (socket, request: IncomingMessage) => {
  socket.send(JSON.stringify({ url: request.url }));
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
};

async function start(upgrades: UpgradeRoutes, host?: string): Promise<SimulatorHost> {
  const started = await startSimulatorHost({
    name: 'asr-test',
    kind: 'asr',
    handlers: [http.get('*/v1/ping', () => HttpResponse.json({ pong: true }))],
    upgrades,
    faults: new FaultSet({ kind: 'asr' }),
    ...(host ? { host } : {}),
  });
  hosts.push(started);
  return started;
}

function connect(url: string, options?: ConstructorParameters<typeof WebSocket>[2]): WebSocket {
  const socket = new WebSocket(url, options);
  // A refused handshake is an 'error' on the client too; the tests read 'unexpected-response'.
  socket.on('error', () => {});
  sockets.push(socket);
  return socket;
}

/** The HTTP status a refused upgrade was answered with, and its body. */
async function refusal(socket: WebSocket): Promise<{ status: number; body: string }> {
  const [, res] = (await once(socket, 'unexpected-response')) as [unknown, IncomingMessage];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, body };
}

function nextMessage(socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return once(socket, 'message').then(([data, isBinary]) => ({
    data: data as Buffer,
    isBinary: isBinary as boolean,
  }));
}

test('a WebSocket route on the host port: the request (with its query) reaches the handler, text and binary echo', async () => {
  const host = await start({ '/v1/echo': echo });
  const socket = connect(`${host.url.replace('http', 'ws')}/v1/echo?encoding=mulaw&sample_rate=8000`);
  const first = await nextMessage(socket);
  expect(JSON.parse(String(first.data))).toEqual({ url: '/v1/echo?encoding=mulaw&sample_rate=8000' });
  socket.send('hello');
  const text = await nextMessage(socket);
  expect([String(text.data), text.isBinary]).toEqual(['hello', false]);
  socket.send(new Uint8Array([0, 1, 255]));
  const binary = await nextMessage(socket);
  expect([[...binary.data], binary.isBinary]).toEqual([[0, 1, 255], true]);
  // The simulated HTTP API answers on the same port.
  expect(await (await fetch(`${host.url}/v1/ping`)).json()).toEqual({ pong: true });
});

test('an unknown upgrade path is answered 404 and closed', async () => {
  const host = await start({ '/v1/echo': echo });
  const socket = connect(`${host.url.replace('http', 'ws')}/v1/listen`);
  const { status, body } = await refusal(socket);
  expect(status).toBe(404);
  expect(JSON.parse(body)).toMatchObject({ error: { code: 'no_such_route' } });
  const none = connect(`${(await start({})).url.replace('http', 'ws')}/v1/echo`);
  expect((await refusal(none)).status).toBe(404);
});

test('control paths have no WebSocket endpoints: a loopback peer gets 404', async () => {
  const host = await start({ '/v1/echo': echo });
  for (const path of ['/__callstorm/faults', '/%5F%5Fcallstorm/ledger']) {
    const { status } = await refusal(connect(`${host.url.replace('http', 'ws')}${path}`));
    expect(status, path).toBe(404);
  }
});

test('a handler that throws closes its socket with 1011; the host carries on', async () => {
  const host = await start({
    '/v1/broken': () => {
      throw new Error('bug in a handler');
    },
    '/v1/echo': echo,
  });
  const broken = connect(`${host.url.replace('http', 'ws')}/v1/broken`);
  const [code] = (await once(broken, 'close')) as [number];
  expect(code).toBe(1011);
  const fine = connect(`${host.url.replace('http', 'ws')}/v1/echo`);
  expect(JSON.parse(String((await nextMessage(fine)).data))).toMatchObject({ url: '/v1/echo' });
});

test('close() ends open sockets instead of waiting for them', async () => {
  const host = await start({ '/v1/echo': echo });
  const socket = connect(`${host.url.replace('http', 'ws')}/v1/echo`);
  await nextMessage(socket);
  const closed = once(socket, 'close');
  await host.close();
  const [code] = (await closed) as [number];
  expect(code).toBe(1006);
});

test('a route that is not a path, or lies under the control API, is refused at start', async () => {
  await expect(start({ 'v1/echo': echo })).rejects.toThrow(RangeError);
  await expect(start({ '/__callstorm/stream': echo })).rejects.toThrow(RangeError);
});

const address = Object.values(networkInterfaces())
  .flatMap((a) => a ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!address)('from a non-loopback peer', () => {
  test('WebSocket routes answer it; control paths, however spelt, refuse it with 403', async () => {
    const host = await start({ '/v1/echo': echo }, address);
    const ws = host.url.replace('http', 'ws');
    const fine = connect(`${ws}/v1/echo`, { localAddress: address! });
    expect(JSON.parse(String((await nextMessage(fine)).data))).toMatchObject({ url: '/v1/echo' });
    for (const path of ['/__callstorm/faults', '/%5f%5fcallstorm/ledger', '/v1/%2e%2e/__callstorm/x']) {
      const { status, body } = await refusal(connect(`${ws}${path}`, { localAddress: address! }));
      expect(status, path).toBe(403);
      expect(JSON.parse(body).error.code).toBe('CS_ERR_CONTROL_FORBIDDEN');
    }
  });
});
