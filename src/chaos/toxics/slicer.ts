import { z } from 'zod';
import { cannotEmulate, defineToxic, namedToxic } from './toxic-type.ts';

/** Slices TCP data into small pieces, optionally with a delay between each. */
export const slicer = defineToxic({
  name: 'slicer',
  description: 'Slices TCP data into small pieces, optionally with a delay between each',
  scope: 'connection',
  attributes: z
    .strictObject({
      average_size: z.number().int().positive().describe('average size of a piece, in bytes'),
      size_variation: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('variation of the size, in bytes (smaller than average_size)'),
      delay: z.number().int().min(0).default(0).describe('delay between pieces, in microseconds'),
    })
    .refine((a) => a.size_variation < a.average_size, {
      message: 'size_variation must be smaller than average_size',
      path: ['size_variation'],
    }),
  // Real network time.
  scalesWithSpeed: {},
  emulate: () => cannotEmulate('slicer'),
  ...namedToxic('slicer'),
});
