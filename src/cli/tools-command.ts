import type { Command } from 'commander';
import { lazyAction } from './lazy-action.ts';
import { parseChoice, parseNonEmpty } from './parse-options.ts';

export const TOOLS_FORMATS = ['callstorm', 'openai'] as const;

export function registerTools(program: Command): void {
  program
    .command('tools')
    .description(
      "print the LLM tools an agent offers (the reference agent's list) as JSON, for agents in any language",
    )
    .option('--vertical <name|file>', 'only the CRM operations this vertical uses (default: all)')
    .option(
      '--format <format>',
      `${TOOLS_FORMATS.join(' | ')}: the tools with their CRM routes, or the bare OpenAI tools array`,
      parseChoice('--format', TOOLS_FORMATS),
      'callstorm',
    )
    .option('--out <file>', 'write to a file instead of stdout', parseNonEmpty('--out', 'tools.json'))
    .addHelpText(
      'after',
      `
The callstorm format: {schema, vertical, tools, operations, control}. \`tools\` is what you pass
as \`tools\` to an OpenAI-compatible chat completion; \`operations\` maps each CRM tool to its REST
route ({kind: read|write, method, path, args}; fill \`{accountId}\` from the arguments, send the
other arguments of a write as its JSON body); \`control\` lists the tools that make no CRM request
(record_intent, transfer_to_human {reason}, end_call).

Example:
  callstorm tools --vertical collections --out tools.json`,
    )
    .action(lazyAction(() => import('./actions/tools.ts')));
}
