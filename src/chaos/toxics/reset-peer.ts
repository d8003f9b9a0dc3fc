import { z } from 'zod';
import { defineToxic, emulatedBy, namedToxic } from './toxic-type.ts';

/** Simulates a TCP RESET (connection reset by peer): closes the connection at once or after `timeout`. */
export const resetPeer = defineToxic({
  name: 'reset_peer',
  description: 'Simulates a TCP RESET (connection reset by peer), at once or after timeout',
  scope: 'connection',
  attributes: z.strictObject({
    timeout: z.number().int().min(0).default(0).describe('delay before the reset, in ms'),
  }),
  // Real network time.
  scalesWithSpeed: {},
  emulate: (use) =>
    emulatedBy(
      'network-outage',
      { mode: 'refuse' },
      use,
      `the connection is dropped at once${use.attributes.timeout > 0 ? `, not after ${use.attributes.timeout} ms` : ''}`,
      'network-outage refuse',
    ),
  ...namedToxic('reset_peer'),
});
