import type { Command } from 'commander';
import { drillKind } from '../chaos/drill-schema.ts';
import { isCallstormError } from '../errors/callstorm-error.ts';
import { loadDocument } from '../scenario/load-scenario.ts';
import { gateKind } from '../slo/gate-schema.ts';
import { priceListKind } from '../slo/price-list.ts';
import { isOpenSloFile, loadSloSet, sloKinds } from '../slo/slo-set.ts';
import { runAction } from './run-action.ts';

/** Every kind of file `validate` knows beyond the scenario kinds. */
const VALIDATE_KINDS = { ...drillKind, ...gateKind, ...priceListKind, ...sloKinds };

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'check scenario files (vertical, stage, population, drill, OpenSLO, gate, price list); prints each problem by field path',
    )
    .argument('<files...>', 'YAML files to check')
    .action(
      runAction((files: string[]) => {
        let failed = 0;
        for (const file of files) {
          try {
            if (isOpenSloFile(file)) {
              const set = loadSloSet(file);
              process.stdout.write(`ok ${file} (OpenSLO ${set.name}: ${set.slos.length} SLOs)\n`);
              continue;
            }
            const { kind, value } = loadDocument(file, VALIDATE_KINDS);
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
