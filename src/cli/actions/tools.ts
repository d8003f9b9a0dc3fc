import { writeFileSync } from 'node:fs';
import { toolsDocument } from '../../../agent/tools-document.ts';
import { loadVertical } from '../../scenario/load-scenario.ts';
import { outputWriteError, prepareOutputFile } from '../../util/output-location.ts';
import type { ToolsOptions } from '../command-options.ts';

/** `callstorm tools`: the reference agent's LLM tools and their CRM routes, as JSON. */
export default function tools(opts: ToolsOptions): number {
  const doc = toolsDocument(opts.vertical === undefined ? undefined : loadVertical(opts.vertical));
  const body = opts.format === 'openai' ? doc.tools : doc;
  const text = `${JSON.stringify(body, null, 2)}\n`;
  if (opts.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  const path = prepareOutputFile(opts.out, { option: '--out', what: 'the tools' });
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw outputWriteError('the tools', path, error, 'Delete the file and try again.');
  }
  process.stderr.write(
    `${doc.tools.length} tools${doc.vertical ? ` (${doc.vertical})` : ''} → ${opts.out}\n`,
  );
  return 0;
}
