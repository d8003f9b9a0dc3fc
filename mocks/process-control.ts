import type { ProcessHealthMonitor } from '../src/util/process-health.ts';
import type { ControlView } from './control-api.ts';

/**
 * The simulators' own process health on the CRM's control API: `GET /__callstorm/process` → the
 * event-loop delay and CPU of the process serving every simulator since the last reset, `DELETE`
 * to start measuring afresh (a run does when its calls start, and reads it when they end).
 */
export function processControl(monitor: ProcessHealthMonitor): { views: Record<string, ControlView> } {
  return { views: { process: { get: () => monitor.read(), reset: () => monitor.reset() } } };
}
