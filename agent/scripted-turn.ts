import { GOODBYE, transferLine } from './agent-phrases.ts';
import type { AgentProfile } from './agent-profile.ts';
import type { AgentSession } from './agent-session.ts';
import { crmRequest } from './agent-tools.ts';
import { accountIdIn, detectScriptedIntent, SCRIPTED_READS, scriptedAnswer } from './scripted-flow.ts';
import type { TurnDecision } from './turn-pipeline.ts';
import type { TurnRecorder } from './turn-recorder.ts';

/**
 * The scripted tier of one turn: keyword intent → CRM read → templated answer; a goodbye ends the
 * call; anything the script cannot serve goes to the human queue with reason `llm_unavailable`.
 */
export async function answerFromScript(
  profile: AgentProfile,
  session: AgentSession,
  rec: TurnRecorder,
  transcript: string,
): Promise<TurnDecision> {
  const intent = detectScriptedIntent(transcript);
  const decide = (decision: TurnDecision): TurnDecision => {
    session.history.push({ role: 'assistant', content: decision.text });
    return decision;
  };
  const handOver = (reason: string): TurnDecision => {
    rec.tier = 'human';
    return decide({ text: transferLine(reason), action: 'transfer', reason });
  };
  if (intent === null) return handOver('llm_unavailable');
  rec.intent = intent === 'goodbye' ? session.intent : intent;
  if (intent === 'speak_to_human')
    return decide({ text: transferLine('caller_requested'), action: 'transfer', reason: 'caller_requested' });
  if (intent === 'goodbye') return decide({ text: GOODBYE, action: 'end' });
  session.intent = intent;

  const toolsStarted = performance.now();
  try {
    let accountId = accountIdIn(transcript) ?? session.accountId;
    if (accountId === null) {
      const found = await profile.crm(
        rec,
        crmRequest('find_account_by_phone', { phone: session.request.from }),
      );
      accountId = found.ok ? ((found.data as { accountId?: string } | null)?.accountId ?? null) : null;
    }
    const op = SCRIPTED_READS[intent];
    if (accountId === null || op === undefined) return handOver('llm_unavailable');
    session.accountId = accountId;
    const read = await profile.crm(rec, crmRequest(op, { accountId }));
    if (!read.ok) return handOver('crm_unavailable');
    return decide({ text: scriptedAnswer(intent, read.data), action: 'continue' });
  } finally {
    rec.toolsMs += performance.now() - toolsStarted;
  }
}
