import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { agentTools } from '../../agent/agent-tools.ts';
import { toolsDocument } from '../../agent/tools-document.ts';
import { crmOperations } from '../../src/scenario/crm-operations.ts';
import { loadVertical } from '../../src/scenario/load-scenario.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';

const names = (tools: { type: string; function?: { name: string } }[]) =>
  tools.map((t) => (t.type === 'function' ? t.function!.name : t.type));

describe('callstorm tools', () => {
  test("without a vertical it is the reference agent's tool list, with each CRM tool's REST route", () => {
    const doc = toolsDocument();
    expect(doc.tools).toEqual(agentTools());
    expect(doc.control).toEqual(['record_intent', 'transfer_to_human', 'end_call']);
    for (const [name, op] of Object.entries(doc.operations)) {
      const table = crmOperations[name as keyof typeof crmOperations];
      expect(op).toEqual({ kind: table.kind, method: table.method, path: table.path, args: table.args });
    }
    expect(Object.keys(doc.operations).sort()).toEqual(Object.keys(crmOperations).sort());
  });

  test('a vertical narrows the CRM tools to what its flows read and write; the control tools stay', () => {
    const vertical = loadVertical('collections');
    const doc = toolsDocument(vertical);
    const used = new Set(vertical.flows.flatMap((f) => [...f.reads, ...f.writes.map((w) => w.op)]));
    expect(new Set(Object.keys(doc.operations))).toEqual(used);
    expect(names(doc.tools)).toEqual(
      names(agentTools()).filter((n) => used.has(n) || doc.control.includes(n)),
    );
    expect(doc.vertical).toBe('collections');
  });

  test('examples/python-agent/tools.json is current (regenerate: callstorm tools --out examples/python-agent/tools.json)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(ROOT, 'examples/python-agent/tools.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(toolsDocument())));
  });

  test('the CLI writes the document to --out, prints the bare OpenAI array with --format openai, refuses a bad format', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'callstorm-tools-')), 'tools.json');
    const written = runCli(['tools', '--vertical', 'claims', '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(toolsDocument(loadVertical('claims')));

    const openai = runCli(['tools', '--format', 'openai']);
    expect(openai.code, openai.stderr).toBe(0);
    expect(JSON.parse(openai.stdout)).toEqual(agentTools());

    const bad = runCli(['tools', '--format', 'yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CS_ERR_BAD_ARGUMENT: bad value for --format: "yaml"');
  });
});
