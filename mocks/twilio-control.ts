import { z } from 'zod';
import {
  MAX_EVENT_WAIT_MS,
  type TwilioCallRegistry,
} from '../simulators/dependencies/twilio-call-registry.ts';
import { CallstormError } from '../src/errors/callstorm-error.ts';
import type { ControlAction, SimulatorControl } from './control-api.ts';
import { twilioCallResource } from './twilio-call-resource.ts';

const sid = (prefix: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[0-9a-zA-Z]{1,64}$`),
      `a ${prefix}… SID (${prefix} then letters and digits)`,
    );
const phone = z.string().min(1).max(40);

const registerBody = z.strictObject({
  callSid: sid('CA'),
  accountSid: sid('AC'),
  streamSid: sid('MZ').optional(),
  from: phone,
  to: phone,
  callId: z.string().min(1).max(200).optional(),
});
const callBody = z.strictObject({ callSid: sid('CA') });
const eventsBody = z.strictObject({
  after: z.number().int().min(0),
  waitMs: z.number().int().min(0).max(MAX_EVENT_WAIT_MS).optional(),
});

function unknownCall(callSid: string): CallstormError {
  return new CallstormError('CS_ERR_UNKNOWN_CALL', {
    ids: callSid,
    reason: 'no call with this CallSid was registered with the fake Twilio (POST /__callstorm/twilio/calls)',
  });
}

/**
 * The fake Twilio's control API (loopback only), what the harness side uses:
 * - `GET /__callstorm/twilio` (`DELETE` resets): counts and the latest events;
 * - `POST /__callstorm/twilio/calls` `{callSid, accountSid, streamSid?, from, to, callId?}`:
 *   registers a call before its stream opens (the call resource the bot can then GET and POST);
 * - `POST /__callstorm/twilio/calls/get` `{callSid}`: the call resource, with what the bot did;
 * - `POST /__callstorm/twilio/calls/ended` `{callSid}`: the stream is over (the caller hung up);
 * - `POST /__callstorm/twilio/events` `{after, waitMs?}`: hang-ups and transfers with seq > after,
 *   held open up to `waitMs` (≤ 30 s) until there is one: a long poll.
 */
export function twilioControl(calls: TwilioCallRegistry): SimulatorControl {
  return {
    views: { twilio: { get: () => calls.summary(), reset: () => calls.reset() } },
    actions: {
      'twilio/calls': {
        body: registerBody,
        shape:
          '{"callSid": "CA…", "accountSid": "AC…", "streamSid": "MZ…", "from": "+44…", "to": "+44…", "callId": "cs-<seed>-<index>"}',
        run: (b) => twilioCallResource(calls.register(b)),
      } satisfies ControlAction<z.infer<typeof registerBody>>,
      'twilio/calls/get': {
        body: callBody,
        shape: '{"callSid": "CA…"}',
        run: ({ callSid }) => {
          const call = calls.get(callSid);
          if (!call) throw unknownCall(callSid);
          return {
            ...twilioCallResource(call),
            callstorm: {
              callId: call.callId,
              transferred: call.transferred,
              lookups: call.lookups,
              updates: call.updates,
            },
          };
        },
      } satisfies ControlAction<z.infer<typeof callBody>>,
      'twilio/calls/ended': {
        body: callBody,
        shape: '{"callSid": "CA…"}',
        run: ({ callSid }) => {
          const call = calls.ended(callSid);
          if (!call) throw unknownCall(callSid);
          return twilioCallResource(call);
        },
      } satisfies ControlAction<z.infer<typeof callBody>>,
      'twilio/events': {
        body: eventsBody,
        shape: '{"after": 0, "waitMs": 10000}',
        run: ({ after, waitMs }) => calls.waitForEvents(after, waitMs ?? 0),
      } satisfies ControlAction<z.infer<typeof eventsBody>>,
    },
  };
}
