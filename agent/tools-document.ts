import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { type CrmOperation, crmOperations } from '../src/scenario/crm-operations.ts';
import type { Vertical } from '../src/scenario/vertical-schema.ts';
import { agentTools, CONTROL_TOOLS, isCrmOperation } from './agent-tools.ts';

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
