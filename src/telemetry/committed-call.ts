import type { CallRecord } from './call-record.ts';

/**
 * A call the agent ended as done, having understood what the caller wanted, with no misheard
 * write in place of the expected one: its expected writes were the agent's to land, so one that
 * never landed was lost on the write path. A write never attempted because the agent heard the
 * wrong intent is false containment, not a lost write; a misheard value is an unexpected write.
 * The one definition the SLO engine and the drill verdicts share.
 */
export function committedCall(c: CallRecord): boolean {
  return (
    (c.outcome === 'resolved' || c.outcome === 'false-containment') &&
    c.understood &&
    c.writes.unexpected === 0
  );
}
