import { z } from 'zod';
import type { SimulatorAddress, SimulatorEndpoints } from '../../simulators/simulator-endpoints.ts';

const KINDS = ['asr', 'tts', 'crm', 'llm', 'twilio'] as const;

/**
 * The one JSON line `callstorm simulators` prints when its simulators listen: what an agent started
 * separately, and the run that starts the simulators as its child, read to find them.
 */
export const simulatorsLineSchema = z.object({
  seed: z.number(),
  vertical: z.string(),
  stage: z.string(),
  window: z.string(),
  simulators: z.record(
    z.string(),
    z.object({
      kind: z.enum(KINDS),
      url: z.string().url(),
      controlUrl: z.string().url(),
      region: z.string().optional(),
    }),
  ),
});

export type SimulatorsLine = z.infer<typeof simulatorsLineSchema>;

/** The line for a started suite. */
export function simulatorsLine(
  suite: SimulatorEndpoints,
  about: {
    readonly seed: number;
    readonly vertical: string;
    readonly stage: string;
    readonly window: string;
  },
): SimulatorsLine {
  return {
    seed: about.seed,
    vertical: about.vertical,
    stage: about.stage,
    window: about.window,
    simulators: Object.fromEntries(
      suite.endpoints.map((e) => [
        e.name,
        { kind: e.kind, url: e.url, controlUrl: e.controlUrl, ...(e.region ? { region: e.region } : {}) },
      ]),
    ),
  };
}

/** Parses a printed line back into endpoints; throws (zod, or a missing simulator) if it is not one. */
export function endpointsOfLine(text: string): SimulatorEndpoints {
  const { simulators } = simulatorsLineSchema.parse(JSON.parse(text));
  const all: SimulatorAddress[] = Object.entries(simulators).map(([name, s]) => ({
    name,
    kind: s.kind,
    url: s.url,
    controlUrl: s.controlUrl,
    ...(s.region !== undefined ? { region: s.region } : {}),
  }));
  const one = (name: string) => {
    const found = all.find((e) => e.name === name);
    if (!found) throw new Error(`its URLs have no "${name}" simulator`);
    return found;
  };
  const llm: Record<string, SimulatorAddress & { region: string }> = {};
  for (const e of all) if (e.kind === 'llm') llm[e.name] = { ...e, region: e.region ?? 'unknown' };
  return { asr: one('asr'), tts: one('tts'), crm: one('crm'), llm, twilio: one('twilio'), endpoints: all };
}
