import { hash32, pick, type Random, seeded } from '../seeded-random.ts';
import type { Account } from './account-dataset.ts';

/**
 * What the CRM returns about an account: the public view, its balance, and the appointments and
 * claims it already has. All pure functions of the account, so every run sees the same records.
 */
export type AccountView = Omit<Account, 'index' | 'balancePence' | 'arrearsPence'>;

export interface Balance {
  readonly accountId: string;
  readonly currency: 'GBP';
  /** Pounds with two decimals, e.g. `"1234.50"`. */
  readonly balance: string;
  readonly arrears: string;
  readonly balancePence: number;
  readonly arrearsPence: number;
}

export interface Appointment {
  readonly appointmentId: string;
  readonly service: string;
  readonly date: string;
  readonly time: string;
  readonly status: 'booked';
}

export interface Claim {
  readonly claimId: string;
  readonly claimType: string;
  readonly status: 'open' | 'assessing' | 'awaiting-documents' | 'approved';
  readonly incidentDate: string;
  readonly estimatedAmount: string;
}

const SERVICES = ['GP appointment', 'nurse appointment', 'blood test', 'asthma review', 'medication review'];
const CLAIM_TYPES = ['storm damage', 'water damage', 'motor accident', 'theft', 'windscreen'];
const CLAIM_STATUSES = ['open', 'assessing', 'awaiting-documents', 'approved'] as const;
/** Records are dated relative to this day, like the dataset's dates of birth. */
const REFERENCE_DAY = Date.UTC(2026, 0, 5);
const DAY_MS = 86_400_000;

export function accountView(account: Account): AccountView {
  const { accountId, name, firstName, lastName, phone, postcode, dateOfBirth, email } = account;
  return { accountId, name, firstName, lastName, phone, postcode, dateOfBirth, email };
}

export function balanceOf(account: Account): Balance {
  return {
    accountId: account.accountId,
    currency: 'GBP',
    balance: pounds(account.balancePence),
    arrears: pounds(account.arrearsPence),
    balancePence: account.balancePence,
    arrearsPence: account.arrearsPence,
  };
}

/** 0–2 upcoming appointments. */
export function appointmentsOf(account: Account): Appointment[] {
  const rng = recordRng(account, 'appointments');
  const count = Math.floor(rng() * 3);
  return Array.from({ length: count }, (_, i) => ({
    appointmentId: `APT-${account.accountId}-${i + 1}`,
    service: pick(rng, SERVICES),
    date: isoDay(REFERENCE_DAY + (3 + Math.floor(rng() * 40) + i * 7) * DAY_MS),
    time: `${String(9 + Math.floor(rng() * 8)).padStart(2, '0')}:${pick(rng, ['00', '15', '30', '45'])}`,
    status: 'booked' as const,
  }));
}

/** 0–1 open claims (most accounts have none). */
export function claimsOf(account: Account): Claim[] {
  const rng = recordRng(account, 'claims');
  if (rng() > 0.3) return [];
  return [
    {
      claimId: `CLM-${account.accountId}-1`,
      claimType: pick(rng, CLAIM_TYPES),
      status: pick(rng, CLAIM_STATUSES),
      incidentDate: isoDay(REFERENCE_DAY - (5 + Math.floor(rng() * 60)) * DAY_MS),
      estimatedAmount: pounds(Math.round(100_00 + rng() * 5_000_00)),
    },
  ];
}

function recordRng(account: Account, what: string): Random {
  return seeded('callstorm-records-v1', what, hash32(account.accountId));
}

function pounds(pence: number): string {
  return (pence / 100).toFixed(2);
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
