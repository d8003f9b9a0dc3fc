/**
 * The CRM's operations, shared by the scenario model (which writes each flow must cause), the CRM
 * simulator (its REST routes), the LLM simulator (the tools it calls) and the reference agent (how
 * it executes those tools). One table, so the four cannot drift apart.
 */
export interface CrmOperation {
  readonly kind: 'read' | 'write';
  readonly method: 'GET' | 'POST';
  /** Path template; `{name}` is filled from the arguments of the same name. */
  readonly path: string;
  /** Arguments the tool takes (all strings on the wire). */
  readonly args: readonly string[];
  readonly description: string;
}

export const crmOperations = {
  lookup_account: {
    kind: 'read',
    method: 'GET',
    path: '/v1/accounts/{accountId}',
    args: ['accountId'],
    description: 'Fetch an account by its account number',
  },
  find_account_by_phone: {
    kind: 'read',
    method: 'GET',
    path: '/v1/accounts?phone={phone}',
    args: ['phone'],
    description: 'Find the account that owns a phone number',
  },
  get_balance: {
    kind: 'read',
    method: 'GET',
    path: '/v1/accounts/{accountId}/balance',
    args: ['accountId'],
    description: 'Current balance and arrears of an account',
  },
  list_appointments: {
    kind: 'read',
    method: 'GET',
    path: '/v1/accounts/{accountId}/appointments',
    args: ['accountId'],
    description: 'Upcoming appointments of an account',
  },
  get_claim_status: {
    kind: 'read',
    method: 'GET',
    path: '/v1/accounts/{accountId}/claims',
    args: ['accountId'],
    description: 'Open claims of an account and their status',
  },
  create_payment_arrangement: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/payment-arrangements',
    args: ['accountId', 'amount', 'firstPaymentDate', 'frequency'],
    description: 'Set up an instalment plan',
  },
  record_promise_to_pay: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/promises-to-pay',
    args: ['accountId', 'amount', 'date'],
    description: 'Record a one-off promise to pay',
  },
  record_payment_holiday_request: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/payment-holiday-requests',
    args: ['accountId', 'reason', 'months'],
    description: 'Log a request for breathing space / payment holiday',
  },
  update_contact_details: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/contact-updates',
    args: ['accountId', 'email'],
    description: 'Change the email address on the account',
  },
  book_appointment: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/appointments',
    args: ['accountId', 'service', 'date', 'time'],
    description: 'Book a new appointment',
  },
  reschedule_appointment: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/appointment-changes',
    args: ['accountId', 'date', 'time'],
    description: 'Move the next appointment to a new slot',
  },
  cancel_appointment: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/appointment-cancellations',
    args: ['accountId', 'reason'],
    description: 'Cancel the next appointment',
  },
  open_claim: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/claims',
    args: ['accountId', 'claimType', 'incidentDate', 'estimatedAmount'],
    description: 'Open a new claim (first notification of loss)',
  },
  add_claim_note: {
    kind: 'write',
    method: 'POST',
    path: '/v1/accounts/{accountId}/claim-notes',
    args: ['accountId', 'note'],
    description: 'Add information to the open claim',
  },
} as const satisfies Record<string, CrmOperation>;

export type CrmOperationName = keyof typeof crmOperations;
export const crmOperationNames = Object.keys(crmOperations) as CrmOperationName[];
export const crmWriteNames = crmOperationNames.filter((n) => crmOperations[n].kind === 'write');
export const crmReadNames = crmOperationNames.filter((n) => crmOperations[n].kind === 'read');
