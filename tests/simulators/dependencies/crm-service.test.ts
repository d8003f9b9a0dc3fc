import { describe, expect, test } from 'vitest';
import { accountAt } from '../../../simulators/dependencies/account-dataset.ts';
import { CrmService } from '../../../simulators/dependencies/crm-service.ts';

const account = accountAt(1234);
const promise = { amount: '50.00', date: '2026-02-01' };

describe('CrmService reads', () => {
  const crm = new CrmService();

  test('looks an account up by id and by phone (spaces and +44 tolerated)', () => {
    const byId = crm.execute('lookup_account', { accountId: account.accountId });
    expect(byId).toMatchObject({ status: 200, body: { accountId: account.accountId, name: account.name } });
    const spaced = `+44 ${account.phone.slice(1, 5)} ${account.phone.slice(5)}`;
    expect(crm.execute('find_account_by_phone', { phone: spaced }).body).toEqual(byId.body);
  });

  test('unknown accounts and phones are 404 with a JSON error', () => {
    expect(crm.execute('lookup_account', { accountId: '12345678' })).toMatchObject({
      status: 404,
      body: { error: { code: 'account_not_found' } },
    });
    expect(crm.execute('get_balance', { accountId: 'nope' }).status).toBe(404);
    expect(crm.execute('find_account_by_phone', { phone: '01234 000000' }).status).toBe(404);
  });

  test('balance, appointments and claims are deterministic per account', () => {
    const other = new CrmService();
    for (const op of ['get_balance', 'list_appointments', 'get_claim_status'] as const) {
      const a = crm.execute(op, { accountId: account.accountId });
      expect(a.status).toBe(200);
      expect(other.execute(op, { accountId: account.accountId })).toEqual(a);
    }
    expect(crm.execute('get_balance', { accountId: account.accountId }).body).toMatchObject({
      currency: 'GBP',
      balancePence: account.balancePence,
      balance: (account.balancePence / 100).toFixed(2),
    });
  });
});

describe('CrmService writes', () => {
  test('an accepted write gets an id and lands in the ledger with its call id', () => {
    const crm = new CrmService();
    const result = crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise, {
      callId: 'call-1',
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ id: 'PTP-000001', status: 'accepted', amount: '50.00' });
    expect(crm.ledger.entries()).toMatchObject([
      {
        seq: 1,
        op: 'record_promise_to_pay',
        accountId: account.accountId,
        callId: 'call-1',
        args: { accountId: account.accountId, ...promise },
      },
    ]);
  });

  test.each([
    [{ amount: '50.00' }, 'date', 'missing_field'],
    [{ ...promise, date: '2026-02-30' }, 'date', 'invalid_field'],
    [{ ...promise, amount: '-5' }, 'amount', 'invalid_field'],
    [{ ...promise, amount: { pounds: 5 } }, 'amount', 'invalid_field'],
    [{ ...promise, note: 'x' }, 'note', 'unknown_field'],
  ])('a bad body %j is a 400 naming %s, and nothing is written', (body, field, code) => {
    const crm = new CrmService();
    const result = crm.execute('record_promise_to_pay', { accountId: account.accountId }, body);
    expect(result).toMatchObject({ status: 400, body: { error: { code, param: field } } });
    expect(crm.ledger.size).toBe(0);
  });

  test('numbers are accepted for string arguments and recorded as strings', () => {
    const crm = new CrmService();
    crm.execute(
      'record_payment_holiday_request',
      { accountId: account.accountId },
      { reason: 'illness', months: 2 },
    );
    expect(crm.ledger.entries()[0]!.args.months).toBe('2');
  });

  test('a write to an unknown account is a 404', () => {
    expect(new CrmService().execute('open_claim', { accountId: '99999999' }, {}).status).toBe(404);
  });
});

describe('CrmService idempotency', () => {
  test('a retry with the same Idempotency-Key and body replays the original answer and writes nothing', () => {
    const crm = new CrmService();
    const first = crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise, {
      idempotencyKey: 'k1',
    });
    const retry = crm.execute(
      'record_promise_to_pay',
      { accountId: account.accountId },
      { ...promise },
      { idempotencyKey: 'k1' },
    );
    expect(retry).toEqual({ ...first, replayed: true });
    expect(crm.ledger.size).toBe(1);
  });

  test('the same key with a different body is a 422 and writes nothing', () => {
    const crm = new CrmService();
    crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise, { idempotencyKey: 'k1' });
    const reused = crm.execute(
      'record_promise_to_pay',
      { accountId: account.accountId },
      { ...promise, amount: '60.00' },
      { idempotencyKey: 'k1' },
    );
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
    expect(crm.ledger.size).toBe(1);
  });

  test('without a key, a retry is a second write (the duplicate the ledger will show)', () => {
    const crm = new CrmService();
    crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise);
    crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise);
    expect(crm.ledger.size).toBe(2);
  });

  test('a rejected request does not use up its key', () => {
    const crm = new CrmService();
    expect(
      crm.execute(
        'record_promise_to_pay',
        { accountId: account.accountId },
        { amount: 'x' },
        { idempotencyKey: 'k' },
      ).status,
    ).toBe(400);
    expect(
      crm.execute('record_promise_to_pay', { accountId: account.accountId }, promise, { idempotencyKey: 'k' })
        .status,
    ).toBe(201);
  });
});
