import { CallstormError } from '../../../src/errors/callstorm-error.ts';
import { asrConfidenceCollapse } from './asr-confidence-collapse.ts';
import { asrErrorRate } from './asr-error-rate.ts';
import type { FaultType } from './fault-type.ts';
import { httpError } from './http-error.ts';
import { latency } from './latency.ts';
import { llmQualityDrop } from './llm-quality-drop.ts';
import { llmSlowFirstToken } from './llm-slow-first-token.ts';
import { llmTruncatedStream } from './llm-truncated-stream.ts';
import { networkOutage } from './network-outage.ts';
import { noop } from './noop.ts';
import { rateLimit } from './rate-limit.ts';
import { streamDrop } from './stream-drop.ts';
import { streamRefuse } from './stream-refuse.ts';
import { streamSilent } from './stream-silent.ts';
import { streamSlowFinals } from './stream-slow-finals.ts';

/** Every fault type, by the name a fault spec uses. Add a fault: one file, one line here. */
export const faultRegistry = {
  noop,
  'http-error': httpError,
  'rate-limit': rateLimit,
  latency,
  'llm-slow-first-token': llmSlowFirstToken,
  'llm-truncated-stream': llmTruncatedStream,
  'llm-quality-drop': llmQualityDrop,
  'asr-confidence-collapse': asrConfidenceCollapse,
  'asr-error-rate': asrErrorRate,
  'network-outage': networkOutage,
  'stream-refuse': streamRefuse,
  'stream-silent': streamSilent,
  'stream-drop': streamDrop,
  'stream-slow-finals': streamSlowFinals,
} as const;

export type FaultTypeName = keyof typeof faultRegistry;
export const faultTypeNames = Object.keys(faultRegistry) as FaultTypeName[];

/** A fault type whose parameter and state types are not known statically. */
export type AnyFaultType = FaultType<unknown, unknown>;

export function faultTypeByName(name: string): AnyFaultType {
  if (!Object.hasOwn(faultRegistry, name)) {
    throw new CallstormError('CS_ERR_UNKNOWN_NAME', {
      what: 'fault type',
      name,
      valid: faultTypeNames.join(', '),
    });
  }
  return faultRegistry[name as FaultTypeName] as AnyFaultType;
}
