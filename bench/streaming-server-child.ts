import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeepgramListenSocket } from '../mocks/deepgram-listen-socket.ts';
import { serveUpgrades } from '../mocks/websocket-upgrades.ts';
import { AsrRecogniser } from '../simulators/dependencies/asr-recogniser.ts';
import { GroundTruth } from '../simulators/dependencies/ground-truth.ts';
import { TaggedLinker } from '../simulators/dependencies/tagged-linker.ts';
import { BENCH_SEED, benchPlans } from './streaming-plans.ts';

/**
 * The ASR simulator's live `/v1/listen` alone, for the streaming benchmark: tagged linker, the
 * latency model off (so what the generator measures is the simulator's own added delay). Prints
 * its port; `GET /cpu` answers its CPU time so far (µs), `GET /stats` its stream counters,
 * `GET /reset` zeroes them.
 */
const { scenario, plans } = benchPlans(Number(process.argv[2] ?? 1000));
const groundTruth = new GroundTruth();
groundTruth.register(plans);
const recogniser = new AsrRecogniser({
  seed: BENCH_SEED,
  groundTruth,
  population: scenario.population,
  latency: false,
});
const route = createDeepgramListenSocket({
  recogniser,
  linker: new TaggedLinker(),
  latency: false,
  seed: BENCH_SEED,
});
const server = createServer((req, res) => {
  if (req.url === '/cpu') {
    const u = process.cpuUsage();
    return void res.end(JSON.stringify({ cpuMicros: u.user + u.system }));
  }
  if (req.url === '/stats') return void res.end(JSON.stringify(route.stats.snapshot()));
  if (req.url === '/reset') {
    route.stats.reset();
    return void res.end('{}');
  }
  res.writeHead(404).end();
});
serveUpgrades(server, { routes: { '/v1/listen': route }, maxPayload: 4 * 1024 * 1024 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
