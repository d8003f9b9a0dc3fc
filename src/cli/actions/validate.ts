import { resolve } from 'node:path';
import { drillKind } from '../../chaos/drill-schema.ts';
import { isCallstormError } from '../../errors/callstorm-error.ts';
import { reviewKind } from '../../review/review-plan-schema.ts';
import { loadDocument, loadScenario } from '../../scenario/load-scenario.ts';
import { gateKind } from '../../slo/gate-schema.ts';
import { priceListKind } from '../../slo/price-list.ts';
import { isOpenSloFile, loadSloSet, sloKinds } from '../../slo/slo-set.ts';
import { checkReferences } from './file-references.ts';

/** Every kind of file `validate` knows beyond the scenario kinds. */
const VALIDATE_KINDS = { ...drillKind, ...gateKind, ...priceListKind, ...sloKinds, ...reviewKind };

/** Prints a CallstormError and counts it; anything else is a bug and propagates. */
function failure(error: unknown): 1 {
  if (!isCallstormError(error)) throw error;
  process.stderr.write(`${error.format()}\n`);
  return 1;
}

/**
 * `callstorm validate`: each file checked by its kind, with the files it refers to (see
 * file-references.ts); then every vertical × stage among the files given, composed as `generate`
 * would. Exit 2 when anything is wrong.
 */
export default function validate(files: string[]): number {
  let failed = 0;
  const verticals: string[] = [];
  const stages: string[] = [];
  for (const file of files) {
    try {
      if (isOpenSloFile(file)) {
        const set = loadSloSet(file);
        process.stdout.write(`ok ${file} (OpenSLO ${set.name}: ${set.slos.length} SLOs)\n`);
        continue;
      }
      const { kind, value } = loadDocument(file, VALIDATE_KINDS);
      const name = (value as { name?: string }).name ?? '';
      let summary: string;
      try {
        summary = checkReferences(kind, value, file);
      } catch (error) {
        if (isCallstormError(error))
          process.stderr.write(`${file} (${kind} ${name}) refers to what cannot be used:\n`);
        throw error;
      }
      process.stdout.write(`ok ${file} (${kind} ${name}${summary ? `; ${summary}` : ''})\n`);
      // An absolute path, so a file named without a slash or .yaml is not taken for a shipped name.
      if (kind === 'Vertical') verticals.push(resolve(file));
      if (kind === 'Stage') stages.push(resolve(file));
    } catch (error) {
      failed += failure(error);
    }
  }
  for (const vertical of verticals) {
    for (const stage of stages) {
      try {
        const s = loadScenario({ vertical, stage });
        process.stdout.write(`ok ${s.stage.name} × ${s.vertical.name} (${s.flows.length} flows)\n`);
      } catch (error) {
        failed += failure(error);
      }
    }
  }
  return failed > 0 ? 2 : 0;
}
