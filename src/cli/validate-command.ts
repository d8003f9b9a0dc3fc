import type { Command } from 'commander';
import { drillKind } from '../chaos/drill-schema.ts';
import { isCallstormError } from '../errors/callstorm-error.ts';
import { loadDocument } from '../scenario/load-scenario.ts';
import { runAction } from './run-action.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'check scenario files (vertical, stage, population, drill); prints each problem by field path',
    )
    .argument('<files...>', 'YAML files to check')
    .action(
      runAction((files: string[]) => {
        let failed = 0;
        for (const file of files) {
          try {
            const { kind, value } = loadDocument(file, drillKind);
            const name = (value as { name?: string }).name ?? '';
            process.stdout.write(`ok ${file} (${kind} ${name})\n`);
          } catch (error) {
            if (!isCallstormError(error)) throw error;
            process.stderr.write(`${error.format()}\n`);
            failed++;
          }
        }
        return failed > 0 ? 2 : 0;
      }),
    );
}
