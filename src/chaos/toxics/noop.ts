import { z } from 'zod';
import { defineToxic, emulatedBy, namedToxic } from './toxic-type.ts';

/**
 * The template for new toxics: Toxiproxy's `noop` passes data through unchanged. Useful on its
 * own to check that a drill reaches a proxy (the toxic shows in `GET /proxies/{proxy}/toxics`).
 *
 * A new toxic is this file, copied: its attributes as Toxiproxy names them (defaults and a
 * `.describe()` each), which of them a drill states in scenario time (`scalesWithSpeed`, e.g.
 * `{ rate: 'rate' }`; real network times do not scale), its stand-in without Toxiproxy
 * (`emulatedBy(faultType, params, use, whatDiffers)`, or `cannotEmulate(name)`), and how it is
 * applied and removed (`namedToxic(type)` for a toxic Toxiproxy knows). Then one line in
 * toxic-registry.ts and its section in docs/faults.md.
 */
export const noop = defineToxic({
  name: 'noop',
  description: 'Does nothing; shows that the drill reaches the proxy',
  scope: 'connection',
  attributes: z.strictObject({}),
  scalesWithSpeed: {},
  emulate: (use) =>
    emulatedBy('noop', {}, use, 'the simulator counts the requests it touches instead of passing bytes'),
  ...namedToxic('noop'),
});
