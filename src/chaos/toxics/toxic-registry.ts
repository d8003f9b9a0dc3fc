import { z } from 'zod';
import { CallstormError } from '../../errors/callstorm-error.ts';
import { probability } from '../../scenario/schema-helpers.ts';
import { toWallTime } from '../../scenario/speed-scaling.ts';
import { bandwidth } from './bandwidth.ts';
import { down } from './down.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { timeout } from './timeout.ts';
import type { ToxicStream, ToxicType, ToxicUse } from './toxic-type.ts';

/** Every toxic a drill can name, by that name. Add a toxic: one file, one line here. */
export const toxicRegistry = {
  latency,
  timeout,
  reset_peer: resetPeer,
  bandwidth,
  slicer,
  limit_data: limitData,
  down,
  noop,
} as const;

export type ToxicName = keyof typeof toxicRegistry;
export const TOXIC_NAMES = Object.keys(toxicRegistry) as ToxicName[];

/** A toxic whose attribute type is not known statically. */
export type AnyToxicType = ToxicType<unknown>;

export function toxicByName(name: string): AnyToxicType {
  if (!Object.hasOwn(toxicRegistry, name)) {
    throw new CallstormError('CS_ERR_UNKNOWN_NAME', { what: 'toxic', name, valid: TOXIC_NAMES.join(', ') });
  }
  return toxicRegistry[name as ToxicName] as AnyToxicType;
}

/** A drill fault's `network:` object, validated (attributes with their defaults, scenario time). */
export interface NetworkFault {
  readonly toxic: ToxicName;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Share of connections affected; absent for proxy-wide toxics (`down`). */
  readonly toxicity?: number;
  readonly stream?: ToxicStream;
}

const toxicity = probability.default(1).describe('share of connections affected, drawn once per connection');
const stream = z
  .enum(['upstream', 'downstream'])
  .default('downstream')
  .describe('upstream: the requests of the agent; downstream: the responses');

/** A drill's `network:` for one toxic; attributes may be left out when each has a default. */
function networkFaultOption(toxic: AnyToxicType) {
  const attributes = toxic.attributes.safeParse({}).success
    ? toxic.attributes.prefault({})
    : toxic.attributes;
  return toxic.scope === 'proxy'
    ? z.strictObject({ toxic: z.literal(toxic.name), attributes })
    : z.strictObject({ toxic: z.literal(toxic.name), attributes, toxicity, stream });
}

const options = Object.values(toxicRegistry).map((t) => networkFaultOption(t as AnyToxicType));

/** The `network:` of a drill fault: one of the registry's toxics, discriminated by `toxic`. */
export const networkFaultSchema = z.discriminatedUnion(
  'toxic',
  options as [(typeof options)[number], ...(typeof options)[number][]],
) as unknown as z.ZodType<NetworkFault>;

/**
 * How the toxic of one drill fault is used: named after the fault, attributes converted to wall
 * time at `speed` as the toxic declares (`scalesWithSpeed`). `scaled` lists what was converted.
 */
export function toxicUse(
  faultId: string,
  fault: NetworkFault,
  speed = 1,
): { toxic: AnyToxicType; use: ToxicUse<unknown>; scaled: Record<string, unknown> } {
  const toxic = toxicByName(fault.toxic);
  const { params, scaled } = toWallTime(fault.attributes, toxic.scalesWithSpeed, speed);
  return {
    toxic,
    use: {
      name: faultId,
      attributes: params,
      toxicity: fault.toxicity ?? 1,
      stream: fault.stream ?? 'downstream',
    },
    scaled,
  };
}
