import { type CrmOperationName, crmOperations } from '../../src/scenario/crm-operations.ts';
import { accountAt, accountIndexFromId, accountIndexFromPhone } from './account-dataset.ts';
import { accountView, appointmentsOf, balanceOf, claimsOf } from './account-records.ts';
import type { CallLifecycle } from './call-lifecycle.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { type Attribution, attribute, type UnattributedReason } from './write-attribution.ts';
import { WriteLedger } from './write-ledger.ts';

/** Who is asking, from the request headers. */
export interface CrmRequestMeta {
  readonly idempotencyKey?: string;
  readonly callId?: string;
}

/** A request as it reaches the CRM, before faults or validation answer it. */
export interface CrmRequestSighting {
  readonly op: CrmOperationName;
  readonly accountId?: string | undefined;
  /** The number a phone lookup names. */
  readonly phone?: string | undefined;
  readonly idempotencyKey?: string | undefined;
  /** From `x-callstorm-call`, when the agent forwarded it. */
  readonly callId?: string | undefined;
  /** Epoch ms (default now). */
  readonly at?: number;
}

/** The answer to one operation, before it becomes an HTTP response. */
export interface CrmResult {
  readonly status: number;
  readonly body: unknown;
  /** True when an Idempotency-Key retry got the original answer back (nothing written). */
  readonly replayed?: boolean;
}

/** Error bodies follow the `{error: {type, code, message, param?}}` shape most SDKs parse. */
export function crmError(status: number, code: string, message: string, param?: string): CrmResult {
  const type =
    status === 404 ? 'not_found_error' : status === 422 ? 'idempotency_error' : 'invalid_request_error';
  return { status, body: { error: { type, code, message, ...(param ? { param } : {}) } } };
}

const WRITE_PREFIX: Record<string, string> = {
  create_payment_arrangement: 'PA',
  record_promise_to_pay: 'PTP',
  record_payment_holiday_request: 'PHR',
  update_contact_details: 'CU',
  book_appointment: 'APT',
  reschedule_appointment: 'APC',
  cancel_appointment: 'APX',
  open_claim: 'CLM',
  add_claim_note: 'CLN',
};

type ArgCheck = (value: string) => string | null;

const amount: ArgCheck = (v) =>
  /^\d{1,7}(\.\d{1,2})?$/.test(v) && Number(v) > 0
    ? null
    : 'must be a positive amount in pounds, e.g. "120.50"';
const isoDate: ArgCheck = (v) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'must be a date as YYYY-MM-DD';
  return new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v ? null : 'is not a real calendar date';
};
const ARG_CHECKS: Record<string, ArgCheck> = {
  amount,
  estimatedAmount: amount,
  date: isoDate,
  firstPaymentDate: isoDate,
  incidentDate: isoDate,
  time: (v) => (/^([01]\d|2[0-3]):[0-5]\d$/.test(v) ? null : 'must be a time as HH:MM (24-hour)'),
  frequency: (v) =>
    ['weekly', 'fortnightly', 'monthly'].includes(v) ? null : 'must be weekly, fortnightly or monthly',
  months: (v) => (/^(?:[1-9]|1[0-2])$/.test(v) ? null : 'must be a whole number of months from 1 to 12'),
  email: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'must be an email address'),
};
const MAX_TEXT = 2000;

/**
 * The CRM's behaviour, independent of HTTP: reads answer from the 200,000-account dataset,
 * writes are validated, given an id, and committed to the ledger — once per Idempotency-Key.
 */
export class CrmService {
  readonly ledger: WriteLedger;
  readonly idempotency: IdempotencyStore;
  readonly #lifecycle: CallLifecycle | undefined;
  readonly #requestsByCall = new Map<string, number>();
  readonly #unattributed: Record<UnattributedReason, number> = { 'no-live-call': 0, ambiguous: 0 };
  private writeSerial = 0;

  constructor(
    options: { ledger?: WriteLedger; idempotency?: IdempotencyStore; lifecycle?: CallLifecycle } = {},
  ) {
    this.#lifecycle = options.lifecycle;
    this.ledger =
      options.ledger ?? new WriteLedger(options.lifecycle ? { lifecycle: options.lifecycle } : {});
    this.idempotency = options.idempotency ?? new IdempotencyStore();
  }

  /**
   * Notes a request as it arrives, before any fault answers it: a write's Idempotency-Key (so its
   * retries are attributed where it was first tried), and which call the request belongs to, for
   * `requestsOf` — by its header, or by the live call whose account or number it touches.
   */
  observe(request: CrmRequestSighting): Attribution {
    const at = request.at ?? Date.now();
    const key = crmOperations[request.op].kind === 'write' ? request.idempotencyKey : undefined;
    const sighting = key === undefined ? undefined : this.ledger.keys.sight(key, at, request.callId);
    const attribution = attribute(
      {
        callId: request.callId ?? sighting?.callId,
        accountId: request.accountId,
        phone: request.phone,
        at: sighting?.firstAt ?? at,
      },
      this.#lifecycle,
    );
    if (attribution.by === 'none') this.#unattributed[attribution.reason]++;
    else
      this.#requestsByCall.set(attribution.callId, (this.#requestsByCall.get(attribution.callId) ?? 0) + 1);
    return attribution;
  }

  /** CRM requests (reads and writes, answered or not) attributed to this call as they arrived. */
  requestsOf(callId: string): number {
    return this.#requestsByCall.get(callId) ?? 0;
  }

  /** Requests no call could be given as they arrived: no live call touched them, or several could own them. */
  get unattributedRequests(): Readonly<Record<UnattributedReason, number>> {
    return { ...this.#unattributed };
  }

  /**
   * Runs one operation. `args` holds the path and query arguments (`accountId`, `phone`);
   * `body` is the parsed JSON body of a write.
   */
  execute(
    op: CrmOperationName,
    args: Readonly<Record<string, string>>,
    body?: unknown,
    meta: CrmRequestMeta = {},
  ): CrmResult {
    const operation = crmOperations[op];
    if (operation.kind === 'read') return this.read(op, args);
    return this.write(op, args.accountId ?? '', body, meta);
  }

  private read(op: CrmOperationName, args: Readonly<Record<string, string>>): CrmResult {
    if (op === 'find_account_by_phone') {
      const phone = args.phone ?? '';
      if (phone === '') return crmError(400, 'missing_field', 'query parameter "phone" is required', 'phone');
      const index = accountIndexFromPhone(phone);
      if (index === null)
        return crmError(404, 'account_not_found', `no account has phone number ${phone}`, 'phone');
      return { status: 200, body: accountView(accountAt(index)) };
    }
    const index = accountIndexFromId(args.accountId ?? '');
    if (index === null) return notFound(args.accountId ?? '');
    const account = accountAt(index);
    switch (op) {
      case 'get_balance':
        return { status: 200, body: balanceOf(account) };
      case 'list_appointments':
        return { status: 200, body: { accountId: account.accountId, appointments: appointmentsOf(account) } };
      case 'get_claim_status':
        return { status: 200, body: { accountId: account.accountId, claims: claimsOf(account) } };
      default:
        return { status: 200, body: accountView(account) };
    }
  }

  private write(op: CrmOperationName, accountId: string, body: unknown, meta: CrmRequestMeta): CrmResult {
    if (accountIndexFromId(accountId) === null) return notFound(accountId);
    const parsed = parseWriteArgs(op, accountId, body);
    if ('error' in parsed) return parsed.error;
    const args = parsed.args;
    const key = meta.idempotencyKey;
    const fingerprint = key === undefined ? '' : IdempotencyStore.fingerprint('POST', op, args);
    if (key !== undefined) {
      const seen = this.idempotency.check(key, fingerprint);
      if (seen.kind === 'replay') return { ...seen.response, replayed: true };
      if (seen.kind === 'conflict') {
        return crmError(
          422,
          'idempotency_key_reused',
          `Idempotency-Key "${key}" was already used with a different request`,
        );
      }
    }
    const writeId = `${WRITE_PREFIX[op] ?? 'W'}-${String(++this.writeSerial).padStart(6, '0')}`;
    this.ledger.record({
      writeId,
      op,
      accountId,
      args,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(meta.callId !== undefined ? { callId: meta.callId } : {}),
    });
    const response = { status: 201, body: { id: writeId, operation: op, status: 'accepted', ...args } };
    if (key !== undefined) this.idempotency.remember(key, fingerprint, response);
    return response;
  }
}

function notFound(accountId: string): CrmResult {
  return crmError(404, 'account_not_found', `no account with id "${accountId}"`, 'accountId');
}

/** The write's arguments as strings, or a 400 naming the first bad field. */
function parseWriteArgs(
  op: CrmOperationName,
  accountId: string,
  body: unknown,
): { args: Record<string, string> } | { error: CrmResult } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: crmError(400, 'invalid_body', 'request body must be a JSON object') };
  }
  const record = body as Record<string, unknown>;
  const wanted: readonly string[] = crmOperations[op].args.filter((a) => a !== 'accountId');
  const unknown = Object.keys(record).filter((k) => !wanted.includes(k) && k !== 'accountId');
  if (unknown.length > 0) {
    const field = unknown[0]!;
    return {
      error: crmError(
        400,
        'unknown_field',
        `unknown field "${field}"; ${op} takes ${wanted.join(', ')}`,
        field,
      ),
    };
  }
  if (record.accountId !== undefined && String(record.accountId) !== accountId) {
    return {
      error: crmError(
        400,
        'invalid_field',
        'accountId in the body differs from the one in the path',
        'accountId',
      ),
    };
  }
  const args: Record<string, string> = { accountId };
  for (const name of wanted) {
    const raw = record[name];
    if (raw === undefined || raw === null || raw === '') {
      return { error: crmError(400, 'missing_field', `field "${name}" is required`, name) };
    }
    if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) {
      return { error: crmError(400, 'invalid_field', `field "${name}" must be a string`, name) };
    }
    const value = String(raw).trim();
    const problem =
      ARG_CHECKS[name]?.(value) ??
      (value.length > MAX_TEXT ? `must be at most ${MAX_TEXT} characters` : null);
    if (problem) return { error: crmError(400, 'invalid_field', `field "${name}" ${problem}`, name) };
    args[name] = value;
  }
  return { args };
}
