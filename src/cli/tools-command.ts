import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { agentTools, CONTROL_TOOLS, isCrmOperation } from '../../agent/agent-tools.ts';
import { CallstormError } from '../errors/callstorm-error.ts';
import { type CrmOperation, crmOperations } from '../scenario/crm-operations.ts';
import { loadVertical } from '../scenario/load-scenario.ts';
import type { Vertical } from '../scenario/vertical-schema.ts';
import { runAction } from './run-action.ts';

/**
 * The tools an agent offers its LLM, for agents not written in TypeScript: the same list the
 * reference agent builds (`agentTools()`), and how each CRM tool maps onto the CRM's REST API.
 */
export interface ToolsDocument {
  readonly schema: 'callstorm.agent-tools/v1';
  /** The vertical the list was narrowed to (only the operations its flows use), or null: all. */
  readonly vertical: string | null;
  /** OpenAI chat-completions `tools`, as the reference agent sends them. */
  readonly tools: ChatCompletionTool[];
  /** Per CRM tool: read or write, HTTP method, path template (`{arg}` filled from the arguments). */
  readonly operations: Record<string, Pick<CrmOperation, 'kind' | 'method' | 'path' | 'args'>>;
  /** The call-control tools (no CRM request): `record_intent`, `transfer_to_human`, `end_call`. */
  readonly control: readonly string[];
}

const FORMATS = ['callstorm', 'openai'] as const;
type ToolsFormat = (typeof FORMATS)[number];

/** The CRM operations a vertical's flows read or write. */
function operationsOf(vertical: Vertical): Set<string> {
  return new Set(vertical.flows.flatMap((flow) => [...flow.reads, ...flow.writes.map((w) => w.op)]));
}

export function toolsDocument(vertical?: Vertical): ToolsDocument {
  const used = vertical ? operationsOf(vertical) : undefined;
  const tools = agentTools().filter((tool) => {
    const name = tool.type === 'function' ? tool.function.name : '';
    return !isCrmOperation(name) || used === undefined || used.has(name);
  });
  const operations: ToolsDocument['operations'] = {};
  for (const tool of tools) {
    const name = tool.type === 'function' ? tool.function.name : '';
    if (!isCrmOperation(name)) continue;
    const { kind, method, path, args } = crmOperations[name];
    operations[name] = { kind, method, path, args };
  }
  return {
    schema: 'callstorm.agent-tools/v1',
    vertical: vertical?.name ?? null,
    tools,
    operations,
    control: CONTROL_TOOLS,
  };
}

interface ToolsOptions {
  vertical?: string;
  format: string;
  out?: string;
}

export function registerTools(program: Command): void {
  program
    .command('tools')
    .description(
      "print the LLM tools an agent offers (the reference agent's list) as JSON, for agents in any language",
    )
    .option('--vertical <name|file>', 'only the CRM operations this vertical uses (default: all)')
    .option(
      '--format <format>',
      `${FORMATS.join(' | ')}: the tools with their CRM routes, or the bare OpenAI tools array`,
      'callstorm',
    )
    .option('--out <file>', 'write to a file instead of stdout')
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
    .action(
      runAction((opts: ToolsOptions) => {
        if (!(FORMATS as readonly string[]).includes(opts.format)) {
          throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
            option: '--format',
            reason: `"${opts.format}"`,
            fix: `use ${FORMATS.join(' or ')}`,
          });
        }
        const doc = toolsDocument(opts.vertical === undefined ? undefined : loadVertical(opts.vertical));
        const body = (opts.format as ToolsFormat) === 'openai' ? doc.tools : doc;
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
      }),
    );
}
