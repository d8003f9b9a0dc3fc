import { createCallGenerator } from '../simulators/callers/call-generator.ts';
import type { CallPlan } from '../simulators/callers/call-plan.ts';
import { loadScenario } from '../src/scenario/load-scenario.ts';

export const BENCH_SEED = 5;

/** The calls whose tagged audio the streaming benchmark plays (server and generator agree on them). */
export function benchPlans(n: number) {
  const scenario = loadScenario({ vertical: 'collections', stage: 'scale' });
  const generator = createCallGenerator(scenario, { seed: BENCH_SEED, window: 'month' });
  const plans: CallPlan[] = [];
  for (let i = 0; i < n; i++) plans.push(generator.planAt(i)!);
  return { scenario, plans };
}
