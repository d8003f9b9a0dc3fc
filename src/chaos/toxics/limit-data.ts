import { z } from 'zod';
import { cannotEmulate, defineToxic, namedToxic } from './toxic-type.ts';

/** Closes the connection once `bytes` have been transmitted. */
export const limitData = defineToxic({
  name: 'limit_data',
  description: 'Closes the connection once a number of bytes has been transmitted',
  scope: 'connection',
  attributes: z.strictObject({
    bytes: z.number().int().positive().describe('how much data may pass before the connection is closed'),
  }),
  // A count of bytes, not a time.
  scalesWithSpeed: {},
  emulate: () => cannotEmulate('limit_data'),
  ...namedToxic('limit_data'),
});
