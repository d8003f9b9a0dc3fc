import { writeFileSync } from 'node:fs';
import { toolsDocument } from '../../../agent/tools-document.ts';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { loadVertical } from '../../scenario/load-scenario.ts';
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
  try {
    writeFileSync(opts.out, text);
  } catch (error) {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: '--out',
      reason: `cannot write ${opts.out}: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'choose a file in a folder that exists and that you can write to',
    });
  }
  process.stderr.write(
    `${doc.tools.length} tools${doc.vertical ? ` (${doc.vertical})` : ''} → ${opts.out}\n`,
  );
  return 0;
}
