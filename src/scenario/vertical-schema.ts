import { z } from 'zod';
import { peakSchema } from './calendar-schema.ts';
import { crmOperations, crmReadNames, crmWriteNames } from './crm-operations.ts';
import { identifier, intentName, onlyIfValid, slotTime } from './schema-helpers.ts';

/** Facts about the caller that every template may use. */
export const PERSONA_FIELDS = [
  'name',
  'firstName',
  'accountId',
  'phone',
  'postcode',
  'dateOfBirth',
  'email',
] as const;

/** One or several phrasings; the generator picks one per call. */
const phrasing = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const slotSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('amount'),
    min: z.number().positive(),
    max: z.number().positive(),
    step: z.number().positive().default(5),
  }),
  z.strictObject({
    type: z.literal('date'),
    /** Days after the call, inclusive. Negative values are in the past (incident dates). */
    minDays: z.number().int(),
    maxDays: z.number().int(),
  }),
  z.strictObject({
    type: z.literal('time'),
    from: slotTime,
    to: slotTime,
    stepMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
  }),
  z.strictObject({ type: z.literal('integer'), min: z.number().int(), max: z.number().int() }),
  z.strictObject({ type: z.literal('choice'), options: z.array(z.string().min(1)).min(1) }),
]);

export const flowCategory = z.enum(['named', 'common', 'long-tail', 'out-of-scope', 'human']);

export const writeSchema = z.strictObject({
  op: z.enum(crmWriteNames as [string, ...string[]]),
  /** Each argument of the operation, as a template over persona fields and slots. */
  fields: z.record(z.string(), z.string()),
});

export const flowSchema = z.strictObject({
  id: identifier,
  intent: intentName,
  label: z.string().min(1),
  /**
   * named: the flows a pilot is scoped to; common: frequent at scale; long-tail: rare intents;
   * out-of-scope: requests the agent must not handle; human: the caller wants a person.
   */
  category: flowCategory,
  /** Share of this flow in unselected (scale) traffic, before the stage's category weights. */
  weight: z.number().positive(),
  inScope: z.boolean().default(true),
  slots: z
    .record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase slot name'), slotSchema)
    .default({}),
  /** What the caller says, turn by turn, after the opening. Slots appear as {slotName}. */
  turns: z.array(z.strictObject({ say: phrasing })).min(1),
  /** How a caller corrects one slot of this flow; each phrasing says the new value as {<slot>}. */
  correction: z.strictObject({ slot: z.string(), say: phrasing }).optional(),
  reads: z.array(z.enum(crmReadNames as [string, ...string[]])).default(['lookup_account']),
  writes: z.array(writeSchema).default([]),
  /** How a correct agent ends this flow. */
  outcome: z
    .strictObject({
      action: z.enum(['end', 'transfer']).default('end'),
      transferReason: z
        .string()
        .regex(/^[a-z][a-z0-9_]*$/)
        .optional(),
    })
    .prefault({}),
});

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function phrasings(p: z.infer<typeof phrasing>): string[] {
  return typeof p === 'string' ? [p] : p;
}

export const verticalSchema = z
  .strictObject({
    kind: z.literal('Vertical'),
    name: identifier,
    label: z.string().min(1),
    description: z.string().default(''),
    /** How callers identify themselves at the start of every call. */
    opening: phrasing,
    /** How callers end a call that went well. */
    closing: phrasing,
    /** How callers ask for a person mid-call. */
    askHuman: phrasing,
    /** Peaks this vertical adds to every stage's calendar (e.g. month-end for collections). */
    peaks: z.array(peakSchema).default([]),
    flows: z.array(flowSchema).min(6, 'a vertical needs at least 6 flows'),
  })
  .superRefine(
    (v, ctx) => {
      const persona = new Set<string>(PERSONA_FIELDS);
      const check = (texts: string[], allowed: Set<string>, path: (string | number)[]) => {
        for (const text of texts) {
          for (const name of placeholders(text)) {
            if (!allowed.has(name)) {
              ctx.addIssue({
                code: 'custom',
                path,
                message: `unknown placeholder {${name}}: use a slot of this flow or one of ${[...allowed].join(', ')}`,
              });
            }
          }
        }
      };
      check(phrasings(v.opening), persona, ['opening']);
      check(phrasings(v.closing), persona, ['closing']);
      check(phrasings(v.askHuman), persona, ['askHuman']);
      const ids = new Set<string>();
      v.flows.forEach((flow, i) => {
        const at = ['flows', i];
        if (ids.has(flow.id))
          ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate flow id "${flow.id}"` });
        ids.add(flow.id);
        const allowed = new Set<string>([...persona, ...Object.keys(flow.slots)]);
        flow.turns.forEach((t, j) => {
          check(phrasings(t.say), allowed, [...at, 'turns', j, 'say']);
        });
        for (const [name, slot] of Object.entries(flow.slots)) {
          if ((slot.type === 'amount' || slot.type === 'integer') && slot.min > slot.max) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'slots', name, 'max'],
              message: 'max must be at least min',
            });
          }
          if (slot.type === 'date' && slot.minDays > slot.maxDays) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'slots', name, 'maxDays'],
              message: 'maxDays must be at least minDays',
            });
          }
          if (slot.type === 'time' && slot.from >= slot.to) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'slots', name, 'to'],
              message: 'to must be after from',
            });
          }
        }
        const spoken = new Set(flow.turns.flatMap((t) => phrasings(t.say).flatMap(placeholders)));
        for (const name of Object.keys(flow.slots)) {
          if (!spoken.has(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'slots', name],
              message: `slot "${name}" is never said in any turn: add {${name}} to a turn`,
            });
          }
        }
        if (flow.correction) {
          if (!Object.hasOwn(flow.slots, flow.correction.slot)) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'correction', 'slot'],
              message: `"${flow.correction.slot}" is not a slot of this flow (slots: ${Object.keys(flow.slots).join(', ') || 'none'})`,
            });
          }
          check(phrasings(flow.correction.say), allowed, [...at, 'correction', 'say']);
          if (
            phrasings(flow.correction.say).some((text) => !placeholders(text).includes(flow.correction!.slot))
          ) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'correction', 'say'],
              message: `every phrasing of a correction must say the new value as {${flow.correction.slot}}`,
            });
          }
        }
        flow.writes.forEach((w, j) => {
          const op = crmOperations[w.op as keyof typeof crmOperations];
          const args = new Set<string>(op.args);
          const given = Object.keys(w.fields);
          const missing = [...args].filter((a) => !given.includes(a));
          const extra = given.filter((g) => !args.has(g));
          if (missing.length > 0 || extra.length > 0) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'writes', j, 'fields'],
              message: `${w.op} takes exactly ${[...args].join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not an argument: ${extra.join(', ')}` : ''}`,
            });
          }
          check(Object.values(w.fields), allowed, [...at, 'writes', j, 'fields']);
        });
        if (flow.category === 'out-of-scope' || flow.category === 'human') {
          if (flow.inScope) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'inScope'],
              message: `a ${flow.category} flow is not served by the agent: set inScope: false`,
            });
          }
          if (flow.outcome.action !== 'transfer' || !flow.outcome.transferReason) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'outcome'],
              message: `a ${flow.category} flow ends in a transfer: set outcome: { action: transfer, transferReason: ${flow.category === 'human' ? 'caller_requested' : 'out_of_scope'} }`,
            });
          }
          if (flow.writes.length > 0) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'writes'],
              message: `a ${flow.category} flow causes no CRM writes`,
            });
          }
        }
        if (flow.outcome.action === 'transfer' && !flow.outcome.transferReason) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'outcome', 'transferReason'],
            message: 'a transfer needs a reason (e.g. out_of_scope)',
          });
        }
      });
      for (const needed of ['out-of-scope', 'human'] as const) {
        if (!v.flows.some((f) => f.category === needed)) {
          ctx.addIssue({
            code: 'custom',
            path: ['flows'],
            message: `a vertical needs at least one flow with category "${needed}"`,
          });
        }
      }
    },
    { when: onlyIfValid },
  );

export type Slot = z.infer<typeof slotSchema>;
export type FlowCategory = z.infer<typeof flowCategory>;
export type Flow = z.infer<typeof flowSchema>;
export type Vertical = z.infer<typeof verticalSchema>;
export type Phrasing = z.infer<typeof phrasing>;
export { phrasings, placeholders };
