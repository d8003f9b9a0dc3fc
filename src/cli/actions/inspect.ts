import {
  ASSUMED_AGENT_TURN_MS,
  type TrafficProfile,
  trafficProfile,
} from '../../../simulators/callers/traffic-profile.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import type { InspectOptions } from '../command-options.ts';

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n');
}

function mixRows(
  title: string,
  profiles: TrafficProfile[],
  pickMix: (p: TrafficProfile) => Readonly<Record<string, number>>,
): string[][] {
  const keys = [...new Set(profiles.flatMap((p) => Object.keys(pickMix(p))))];
  return [
    [title, ...profiles.map(() => '')],
    ...keys.map((k) => [`  ${k}`, ...profiles.map((p) => pct(pickMix(p)[k]))]),
  ];
}

export function formatProfiles(profiles: TrafficProfile[]): string {
  const head = ['', ...profiles.map((p) => p.stage)];
  const rows: string[][] = [
    head,
    ['monthly volume', ...profiles.map((p) => p.monthlyVolume.toLocaleString('en-GB'))],
    [
      `calls in window`,
      ...profiles.map((p) => `${p.expectedCalls.toFixed(0)} (${p.window}, ${p.windowHours.toFixed(0)} h)`),
    ],
    ['peak arrival rate', ...profiles.map((p) => `${p.peakCallsPerMinute.toFixed(2)}/min`)],
    [
      'mean call length',
      ...profiles.map((p) => `${p.meanCallSeconds.toFixed(0)} s, ${p.meanTurns.toFixed(1)} turns`),
    ],
    ['peak concurrency', ...profiles.map((p) => p.peakConcurrency.toFixed(1))],
    [
      'patience median/p90',
      ...profiles.map(
        (p) => `${(p.patience.medianMs / 1000).toFixed(1)}/${(p.patience.p90Ms / 1000).toFixed(1)} s`,
      ),
    ],
    ['barge-in per turn', ...profiles.map((p) => pct(p.bargeInPerTurn))],
    ['asks for a human', ...profiles.map((p) => pct(p.askHumanPerCall))],
    ...mixRows('flows', profiles, (p) => p.flows),
    ...mixRows('dialect cohorts', profiles, (p) => p.cohorts),
    ...mixRows('complexity', profiles, (p) => p.complexity),
    ...mixRows('noise', profiles, (p) => p.noise),
  ];
  const uncovered =
    profiles.length > 1
      ? Object.keys(profiles[profiles.length - 1]!.cohorts).filter(
          (c) => !Object.hasOwn(profiles[0]!.cohorts, c),
        )
      : [];
  const notes = [
    `peak concurrency = peak rate × mean call length (Little's law), assuming ${ASSUMED_AGENT_TURN_MS / 1000} s of agent time per turn`,
    ...(uncovered.length
      ? [
          `cohorts in ${profiles[profiles.length - 1]!.stage} that ${profiles[0]!.stage} never sees: ${uncovered.join(', ')}`,
        ]
      : []),
  ];
  return `${table(rows)}\n\n${notes.map((n) => `note: ${n}`).join('\n')}\n`;
}

/** `callstorm inspect`: the traffic profile of each stage, as a table or JSON. */
export default function inspect(opts: InspectOptions): number {
  const stages = opts.stage.length ? opts.stage : ['pilot', 'hardening', 'scale'];
  const profiles = stages.map((stage) =>
    trafficProfile(loadScenario({ vertical: opts.vertical, stage }), opts.window, opts.seed),
  );
  process.stdout.write(opts.json ? `${JSON.stringify(profiles, null, 2)}\n` : formatProfiles(profiles));
  return 0;
}
