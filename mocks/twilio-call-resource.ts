import type { TwilioCall } from '../simulators/dependencies/twilio-call-registry.ts';

/** Twilio's date format in API resources (RFC 2822, `+0000`). */
export function twilioDate(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** `+441632960123` → `+44 1632 960123`-ish display form (Twilio's `*_formatted`). */
function formatted(number: string): string {
  const m = /^\+(\d{2})(\d{4})(\d+)$/.exec(number);
  return m ? `+${m[1]} ${m[2]} ${m[3]}` : number;
}

/**
 * The call as Twilio's REST API shows it (`GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`):
 * snake_case fields, dates in RFC 2822, durations as strings. Fields a fake cannot know (price,
 * phone number SID, trunk) are null, as they are on a real call before billing.
 */
export function twilioCallResource(call: TwilioCall, now: Date = new Date()): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}`;
  const end = call.endedAt;
  const durationS = end ? Math.max(0, Math.round((end.getTime() - call.startedAt.getTime()) / 1000)) : null;
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    api_version: '2010-04-01',
    annotation: null,
    answered_by: null,
    caller_name: null,
    date_created: twilioDate(call.startedAt),
    date_updated: twilioDate(end ?? now),
    direction: 'inbound',
    duration: durationS === null ? null : String(durationS),
    start_time: twilioDate(call.startedAt),
    end_time: end ? twilioDate(end) : null,
    forwarded_from: null,
    from: call.from,
    from_formatted: formatted(call.from),
    to: call.to,
    to_formatted: formatted(call.to),
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    status: call.status,
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: {
      notifications: `${uri}/Notifications.json`,
      recordings: `${uri}/Recordings.json`,
      streams: `${uri}/Streams.json`,
      payments: `${uri}/Payments.json`,
      events: `${uri}/Events.json`,
    },
  };
}

/** Twilio's error body: `{code, message, more_info, status}`. */
export function twilioErrorBody(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
