import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { type CrmOperationName, crmOperationNames, crmOperations } from '../src/scenario/crm-operations.ts';

/** Tools the agent offers besides the CRM operations. */
export const CONTROL_TOOLS = ['record_intent', 'transfer_to_human', 'end_call'] as const;
export type ControlToolName = (typeof CONTROL_TOOLS)[number];

export function isCrmOperation(name: string): name is CrmOperationName {
  return Object.hasOwn(crmOperations, name);
}

function stringParams(names: readonly string[], descriptions: Record<string, string> = {}) {
  return {
    type: 'object' as const,
    properties: Object.fromEntries(
      names.map((n) => [n, { type: 'string', ...(descriptions[n] ? { description: descriptions[n] } : {}) }]),
    ),
    required: [...names],
    additionalProperties: false,
  };
}

const ARG_HINTS: Record<string, string> = {
  accountId: 'the 8-digit account number',
  amount: 'pounds, e.g. "120.50"',
  estimatedAmount: 'pounds, e.g. "950.00"',
  date: 'YYYY-MM-DD',
  firstPaymentDate: 'YYYY-MM-DD',
  incidentDate: 'YYYY-MM-DD',
  time: 'HH:MM, 24-hour',
  frequency: 'weekly, fortnightly or monthly',
  months: 'whole months, 1 to 12',
};

/** The tool list the LLM is offered: one function per CRM operation, plus the call-control tools. */
export function agentTools(): ChatCompletionTool[] {
  const crm = crmOperationNames.map(
    (name): ChatCompletionTool => ({
      type: 'function',
      function: {
        name,
        description: `${crmOperations[name].description} (${crmOperations[name].kind === 'write' ? 'changes the account' : 'read-only'})`,
        parameters: stringParams(crmOperations[name].args, ARG_HINTS),
        strict: true,
      },
    }),
  );
  return [
    ...crm,
    {
      type: 'function',
      function: {
        name: 'record_intent',
        description: 'Record what the caller wants (the intent of the call) before acting on it',
        parameters: stringParams(['intent']),
        strict: true,
      },
    },
    {
      type: 'function',
      function: {
        name: 'transfer_to_human',
        description: 'Hand the call to a human adviser; always give the reason',
        parameters: stringParams(['reason']),
        strict: true,
      },
    },
    {
      type: 'function',
      function: {
        name: 'end_call',
        description: 'End the call once the caller has what they need and said goodbye',
        parameters: { type: 'object', properties: {}, additionalProperties: false },
        strict: true,
      },
    },
  ];
}

/** A CRM request built from an operation and its arguments (path template filled, body for writes). */
export interface CrmRequest {
  readonly op: CrmOperationName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: Record<string, string>;
  /** The operation's path template, for telemetry (`POST /v1/accounts/{accountId}/claims`). */
  readonly route: string;
}

export function crmRequest(op: CrmOperationName, args: Readonly<Record<string, string>>): CrmRequest {
  const operation = crmOperations[op];
  const used = new Set<string>();
  const path = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    used.add(name);
    return encodeURIComponent(args[name] ?? '');
  });
  const route = `${operation.method} ${operation.path.split('?')[0]}`;
  if (operation.kind === 'read') return { op, method: operation.method, path, route };
  const body: Record<string, string> = {};
  for (const name of operation.args)
    if (!used.has(name) && args[name] !== undefined) body[name] = String(args[name]);
  return { op, method: operation.method, path, body, route };
}

/** Tool arguments as strings (models sometimes send numbers); null when the JSON is unreadable. */
export function parseToolArguments(raw: string): Record<string, string> | null {
  try {
    const value: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
  } catch {
    return null;
  }
}
