import { z } from 'zod';
import { defineToxic, emulatedBy, namedToxic } from './toxic-type.ts';

/** Stops all data from getting through and closes the connection after `timeout` (0: never). */
export const timeout = defineToxic({
  name: 'timeout',
  description: 'Stops all data from getting through, and closes the connection after timeout',
  scope: 'connection',
  attributes: z.strictObject({
    timeout: z
      .number()
      .int()
      .min(0)
      .describe('when to close the connection, in ms; 0: never, data is held until the toxic goes'),
  }),
  // Real network time: the connection closes after that many wall ms whatever the --speed.
  scalesWithSpeed: {},
  emulate: (use) =>
    emulatedBy(
      'network-outage',
      { mode: 'hang' },
      use,
      `requests hang until the fault ends${use.attributes.timeout > 0 ? `; the connection is not closed after ${use.attributes.timeout} ms` : ''}`,
      'network-outage hang',
    ),
  ...namedToxic('timeout'),
});
