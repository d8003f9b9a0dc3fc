import { z } from 'zod';
import { cannotEmulate, defineToxic, namedToxic } from './toxic-type.ts';

/** Limits a connection to a maximum number of kilobytes per second. */
export const bandwidth = defineToxic({
  name: 'bandwidth',
  description: 'Limits a connection to a maximum rate',
  scope: 'connection',
  attributes: z.strictObject({
    rate: z.number().int().min(0).describe('maximum rate, in KB/s'),
  }),
  // Per wall second: each connection carries the same bytes at any --speed (more connections
  // at once, not faster ones).
  scalesWithSpeed: {},
  emulate: () => cannotEmulate('bandwidth'),
  ...namedToxic('bandwidth'),
});
