import type { WireSummary } from '../slo/run-evaluation.ts';
import { count, milliseconds, percent } from './format-values.ts';
import { escapeHtml } from './html-parts.ts';

/**
 * The report's "On the wire" section: what a streaming transport measured on the audio itself
 * (docs/twilio.md), one row per measure with its query name, and the counts behind it.
 */
export function wireTable(w: WireSummary): string {
  const rows = w.measures
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.name)}<br><span class="na">${escapeHtml(m.query)}</span></td><td class="num">${count(m.count)}</td>${[
          m.p50,
          m.p95,
          m.p99,
          m.max,
        ]
          .map((v) => `<td class="num">${escapeHtml(milliseconds(v))}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const closes = Object.entries(w.botCloseCodes)
    .map(([code, n]) => `${code} ×${count(n)}`)
    .join(', ');
  const measured = w.turns === 0 ? null : w.turnsWithVoiceToVoice / w.turns;
  const notes = [
    `${count(w.calls)} ${escapeHtml(w.transport)} calls, ${count(w.turns)} caller turns; voice-to-voice measured on ${count(w.turnsWithVoiceToVoice)} (${percent(measured)})`,
    `${count(w.malformedMessages)} malformed messages from the bot; ${count(w.playbackOverflows)} calls overflowed the playback buffer`,
    `calls the bot closed: ${closes === '' ? 'none' : escapeHtml(closes)} (by close code)`,
  ];
  return `<table class="wire"><thead><tr><th>measure</th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>\n${rows}\n</tbody></table>\n<ul>${notes.map((n) => `<li>${n}</li>`).join('')}</ul>`;
}
