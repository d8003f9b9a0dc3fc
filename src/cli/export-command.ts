import type { Command } from 'commander';
import { CallstormError } from '../errors/callstorm-error.ts';
import { exportK6 } from '../export/k6/export-k6.ts';
import { parseSeed } from './parse-options.ts';
import { runAction } from './run-action.ts';

interface ExportK6Cli {
  vertical: string;
  stage: string;
  window: string;
  seed: string;
  speed: string;
  drill?: string;
  parallelism: string;
  agentUrl: string;
  out: string;
}

function positive(option: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option,
      reason: `"${text}" is not a positive ${integer ? 'integer' : 'number'}`,
      fix: `e.g. ${option} ${integer ? '4' : '60'}`,
    });
  }
  return n;
}

export function registerExport(program: Command): void {
  const group = program.command('export').description('export a scenario to another load tool');
  group
    .command('k6')
    .description(
      "write a k6 TypeScript script, its sharded call plans, thresholds from the stage's SLOs and a k6-operator TestRun",
    )
    .requiredOption('--vertical <name|file>', 'vertical: collections, appointments, claims, or a YAML file')
    .requiredOption('--stage <name|file>', 'stage: pilot, hardening, scale, or a YAML file')
    .requiredOption('--out <dir>', 'folder to write script.ts, plans/, testrun.yaml into')
    .option('--window <window>', 'month | week | peak-day | peak-hour | START/END', 'peak-hour')
    .option('--seed <n>', 'seed of the calls', '1')
    .option('--speed <factor>', 'scenario time ÷ wall time', '1')
    .option('--drill <name|file>', 'drill whose stop conditions become abortOnFail thresholds')
    .option('--parallelism <n>', 'k6 runners (execution segments, plan shards)', '1')
    .option('--agent-url <url>', 'agent base URL written into the TestRun', 'http://agent:8080')
    .action(
      runAction((opts: ExportK6Cli) => {
        const m = exportK6({
          vertical: opts.vertical,
          stage: opts.stage,
          window: opts.window,
          seed: parseSeed(opts.seed),
          speed: positive('--speed', opts.speed, false),
          ...(opts.drill ? { drill: opts.drill } : {}),
          parallelism: positive('--parallelism', opts.parallelism, true),
          agentUrl: opts.agentUrl,
          out: opts.out,
        });
        process.stdout.write(
          `${m.planCount} calls in ${m.parallelism} shard(s), ${m.thresholds.length} threshold(s)` +
            (m.sloNotInK6.length ? ` (judged after ingest: ${m.sloNotInK6.join(', ')})` : '') +
            `\n→ ${opts.out}: k6 run --out json=out.json ${opts.out}/script.ts\n`,
        );
        return 0;
      }),
    );
}
