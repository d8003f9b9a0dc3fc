import { z } from 'zod';
import { defineToxic, emulatedBy } from './toxic-type.ts';

/**
 * Not a toxic in Toxiproxy: the proxy is disabled (`POST /proxies/{proxy}` with its full body and
 * `enabled: false`), so new connections are refused and open ones closed. Overlapping `down`s on
 * one proxy each hold it down; the last one to end re-enables it.
 */
export const down = defineToxic({
  name: 'down',
  description: 'Disables the proxy: connections are refused',
  scope: 'proxy',
  attributes: z.strictObject({}),
  scalesWithSpeed: {},
  emulate: (use) =>
    emulatedBy(
      'network-outage',
      { mode: 'refuse' },
      use,
      'connections are accepted and then dropped, not refused at connect',
      'network-outage refuse',
    ),
  async apply(proxy, use) {
    await proxy.holdDown(use.name);
    return { proxy: proxy.proxyName, enabled: false };
  },
  async remove(proxy, use) {
    return { proxy: proxy.proxyName, enabled: await proxy.releaseDown(use.name) };
  },
});
