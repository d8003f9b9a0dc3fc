import { type HttpHandler, HttpResponse, http } from 'msw';
import type { TwilioCallRegistry } from '../simulators/dependencies/twilio-call-registry.ts';
import { faultGate } from './fault-gate.ts';
import { type FaultSource, noFaults } from './fault-source.ts';
import { twilioCallResource, twilioErrorBody } from './twilio-call-resource.ts';

export interface TwilioHandlerOptions {
  readonly calls: TwilioCallRegistry;
  readonly faults?: FaultSource;
  /** Named endpoint (default `twilio`). */
  readonly endpoint?: string;
  /** Prefix of the handler paths: `*` (default) matches any origin. */
  readonly baseUrl?: string;
  readonly seed?: string | number;
}

/** Largest form body read (Twilio's own request limit is far below it). */
const MAX_FORM_BYTES = 256 * 1024;

const twilioError = (status: number, code: number, message: string, headers?: Record<string, string>) =>
  HttpResponse.json(twilioErrorBody(status, code, message), { status, ...(headers ? { headers } : {}) });

/** Any HTTP Basic credentials pass; a request without them is refused as Twilio refuses it (401, 20003). */
function unauthenticated(request: Request): Response | null {
  const header = request.headers.get('authorization') ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  if (decoded.includes(':') && decoded.split(':')[0] !== '') return null;
  return twilioError(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' });
}

/**
 * The part of Twilio's REST API a Media Streams bot uses, as msw handlers:
 * - `GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`: the call resource (Twilio's
 *   JSON shape: `sid`, `from`, `to`, `status`, …);
 * - `POST` to the same path, form-encoded: `Status=completed` hangs the call up, `Twiml=…` with
 *   `<Dial>` or `<Enqueue>` (or `Url=…`) transfers it, other TwiML ends it (docs/twilio.md).
 * Calls are found by CallSid (any AccountSid in the path, any Basic credentials; none: 401). Each
 * request first passes the fault gate (latency, errors in Twilio's shape, network faults).
 */
export function createTwilioHandlers(options: TwilioHandlerOptions): HttpHandler[] {
  const { calls } = options;
  const faults = options.faults ?? noFaults;
  const endpoint = options.endpoint ?? 'twilio';
  const seed = options.seed ?? 0;
  const base = options.baseUrl ?? '*';
  const attempts = new Map<string, number>();

  const gate = async (request: Request, callSid: string) => {
    const url = new URL(request.url);
    const identity = `${request.method} ${callSid}`;
    const attempt = (attempts.get(identity) ?? 0) + 1;
    attempts.set(identity, attempt);
    if (attempts.size > 200_000) attempts.clear();
    const callId = calls.get(callSid)?.callId ?? undefined;
    return faultGate({
      faults,
      signal: request.signal,
      context: {
        simulator: 'twilio',
        endpoint,
        method: request.method,
        path: url.pathname,
        ...(callId ? { callId } : {}),
      },
      rngKey: ['twilio', seed, identity, attempt],
      errorBody: (status, message) => twilioErrorBody(status, 20_000 + status, message),
    });
  };
  const notFound = (request: Request) =>
    twilioError(404, 20404, `The requested resource ${new URL(request.url).pathname} was not found`);

  return [
    http.get(`${base}/2010-04-01/Accounts/:accountSid/Calls/:callSid.json`, async ({ request, params }) => {
      const callSid = String(params['callSid']);
      const g = await gate(request, callSid);
      if (g.response) return g.response;
      const refused = unauthenticated(request);
      if (refused) return refused;
      const call = calls.lookUp(callSid);
      return call ? HttpResponse.json(twilioCallResource(call)) : notFound(request);
    }),
    http.post(`${base}/2010-04-01/Accounts/:accountSid/Calls/:callSid.json`, async ({ request, params }) => {
      const callSid = String(params['callSid']);
      const g = await gate(request, callSid);
      if (g.response) return g.response;
      const refused = unauthenticated(request);
      if (refused) return refused;
      const raw = await request.text();
      if (Buffer.byteLength(raw) > MAX_FORM_BYTES)
        return twilioError(413, 20_413, `request body over ${MAX_FORM_BYTES} bytes`);
      const form = new URLSearchParams(raw);
      const field = (name: string) => form.get(name) ?? undefined;
      const status = field('Status');
      const twiml = field('Twiml');
      const redirect = field('Url');
      const result = calls.update(callSid, {
        ...(status !== undefined ? { Status: status } : {}),
        ...(twiml !== undefined ? { Twiml: twiml } : {}),
        ...(redirect !== undefined ? { Url: redirect } : {}),
      });
      if ('refused' in result) {
        const r = result.refused;
        return r.status === 404 ? notFound(request) : twilioError(r.status, r.code, r.message);
      }
      return HttpResponse.json(twilioCallResource(result.call));
    }),
    http.all(`${base}/2010-04-01/*`, ({ request }) => notFound(request)),
  ];
}
