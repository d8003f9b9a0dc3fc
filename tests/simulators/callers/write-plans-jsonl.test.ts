import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createCallGenerator } from '../../../simulators/callers/call-generator.ts';
import type { CallPlan } from '../../../simulators/callers/call-plan.ts';
import { writePlansJsonl } from '../../../simulators/callers/write-plans-jsonl.ts';
import { loadScenario } from '../../../src/scenario/load-scenario.ts';

const scale = loadScenario({ vertical: 'collections', stage: 'scale' });

/** A sink that takes `delayMs` per write, with a small buffer, recording the most it ever held. */
function slowSink(delayMs: number) {
  const chunks: Buffer[] = [];
  let mostBuffered = 0;
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      mostBuffered = Math.max(mostBuffered, sink.writableLength);
      chunks.push(Buffer.from(chunk));
      setTimeout(done, delayMs);
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8'), mostBuffered: () => mostBuffered };
}

describe('writePlansJsonl', () => {
  test('writes one JSON.stringify line per plan, in order, waiting for a slow sink', async () => {
    const plans = [...createCallGenerator(scale, { seed: 9, window: 'peak-hour' }).plans()];
    const { sink, text, mostBuffered } = slowSink(2);
    const count = await writePlansJsonl(plans, sink);
    sink.end();
    await new Promise((resolve) => sink.on('finish', resolve));
    expect(count).toBe(plans.length);
    expect(text()).toBe(plans.map((p) => `${JSON.stringify(p)}\n`).join(''));
    // Backpressure: it waited for drain instead of queueing the whole stream (~1.7 kB a plan).
    expect(plans.length * 1_700).toBeGreaterThan(1_000_000);
    expect(mostBuffered()).toBeLessThanOrEqual(2 * 256 * 1024);
  });

  test('any text survives: multi-byte characters, surrogate pairs, quotes and lines longer than a chunk', async () => {
    const base = createCallGenerator(scale, { seed: 9, window: 'peak-hour' }).planAt(0)!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.constant('£€"\\\n\u2028😀'),
            fc.constant('x'.repeat(300_000)),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (texts) => {
          const plans: CallPlan[] = texts.map((text, i) => ({
            ...base,
            id: `p${i}`,
            turns: [{ ...base.turns[0]!, text }],
          }));
          const { sink, text } = slowSink(0);
          await writePlansJsonl(plans, sink);
          sink.end();
          await new Promise((resolve) => sink.on('finish', resolve));
          const lines = text().split('\n');
          expect(lines.pop()).toBe('');
          expect(lines.map((l) => (JSON.parse(l) as CallPlan).turns[0]!.text)).toEqual(
            plans.map((p) => JSON.parse(JSON.stringify(p.turns[0]!.text)) as string),
          );
        },
      ),
      { numRuns: 60, seed: 20261124 },
    );
  });

  test('an output that closes midway stops the generator with its error instead of hanging', async () => {
    let pulled = 0;
    function* counted() {
      for (const plan of createCallGenerator(scale, { seed: 9 }).plans()) {
        pulled++;
        yield plan;
      }
    }
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        if (++writes === 3) {
          sink.destroy(); // closed, no error and no 'drain' ever
          return;
        }
        setTimeout(done, 1);
      },
    });
    await expect(writePlansJsonl(counted(), sink)).rejects.toMatchObject({ code: 'ERR_STREAM_DESTROYED' });
    expect(pulled).toBeLessThan(1_000); // of a month's ~50,000
  });

  test('the calls of a seed stay the same across releases (a reproduced run replays the same calls)', async () => {
    // Pinned: the first 2,000 calls of a scale month for seed 42, as JSONL. Change it only on
    // purpose (a new plan field, a new draw), and say so in the changelog: users reproduce
    // incidents by seed.
    const hash = createHash('sha256');
    const plans = createCallGenerator(scale, { seed: 42 }).plans();
    let n = 0;
    for (const plan of plans) {
      hash.update(`${JSON.stringify(plan)}\n`);
      if (++n === 2_000) break;
    }
    expect(hash.digest('hex')).toBe('86ce68153172a8b9905a340ce7a561262e441501c1edc8e4be84a995ece97759');
  });
});
