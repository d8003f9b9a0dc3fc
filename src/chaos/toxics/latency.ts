import { z } from 'zod';
import { defineToxic, emulatedBy, namedToxic } from './toxic-type.ts';

/** Adds a delay to all data going through the proxy: `latency` ± `jitter`. */
export const latency = defineToxic({
  name: 'latency',
  description: 'Adds a delay to all data going through the proxy: latency ± jitter',
  scope: 'connection',
  attributes: z.strictObject({
    latency: z.number().int().min(0).describe('the delay, in ms'),
    jitter: z.number().int().min(0).default(0).describe('± this much, uniformly, in ms'),
  }),
  // Real network time: a slow link is as slow at any --speed.
  scalesWithSpeed: {},
  emulate: (use) =>
    emulatedBy(
      'latency',
      { ms: use.attributes.latency, jitter: use.attributes.jitter },
      use,
      `added once per response, not per chunk of data${use.stream === 'upstream' ? ', and on the response rather than the request' : ''}`,
    ),
  ...namedToxic('latency'),
});
