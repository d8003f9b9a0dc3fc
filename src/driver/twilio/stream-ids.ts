import { createHash } from 'node:crypto';
import type { StreamIds } from './media-stream-messages.ts';

/**
 * A call's Twilio identifiers, as Twilio forms them (`CA`/`MZ` + 32 hex), derived from the run and
 * the call: unique per run, the same on a replay of the run id.
 */
export function streamIdsFor(runId: string, callId: string, accountSid: string): StreamIds {
  const hex = (what: string) =>
    createHash('sha256').update(`${what}\u0000${runId}\u0000${callId}`).digest('hex').slice(0, 32);
  return { callSid: `CA${hex('call')}`, streamSid: `MZ${hex('stream')}`, accountSid };
}
