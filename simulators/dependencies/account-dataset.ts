import { Faker, base, en, en_GB } from '@faker-js/faker';
import { type Random, seeded } from '../seeded-random.ts';

/**
 * The CRM simulator's customers: 200,000 deterministic account holders. Account *i* is a pure
 * function of *i*, so the generator can pick real customers as callers and the CRM can answer
 * lookups by id or phone in O(1), without building the dataset in memory.
 */
export const ACCOUNT_COUNT = 200_000;

const ID_BASE = 40_000_000;
const ID_STRIDE = 37;
const PHONE_BASE = 100_000_000;
const PHONE_STRIDE = 1_297;
const DATASET_SEED = 'callstorm-accounts-v1';
const REFERENCE_YEAR = 2026;

export interface Account {
  readonly index: number;
  readonly accountId: string;
  readonly name: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly phone: string;
  readonly postcode: string;
  readonly dateOfBirth: string;
  readonly email: string;
  /** Balance and arrears in pence. */
  readonly balancePence: number;
  readonly arrearsPence: number;
}

let rng: Random = seeded(DATASET_SEED);
const faker = new Faker({
  locale: [en_GB, en, base],
  randomizer: {
    next: () => rng(),
    seed: (s: number | number[]) => {
      rng = seeded(DATASET_SEED, String(s));
    },
  },
});

export function accountIdFor(index: number): string {
  return String(ID_BASE + index * ID_STRIDE);
}

export function phoneFor(index: number): string {
  return `07${PHONE_BASE + index * PHONE_STRIDE}`;
}

/** The index of an account number, or null if no such account exists. */
export function accountIndexFromId(accountId: string): number | null {
  if (!/^\d{8}$/.test(accountId)) return null;
  const offset = Number(accountId) - ID_BASE;
  if (offset < 0 || offset % ID_STRIDE !== 0) return null;
  const index = offset / ID_STRIDE;
  return index < ACCOUNT_COUNT ? index : null;
}

/** The index of the account owning a phone number (spaces and +44 tolerated), or null. */
export function accountIndexFromPhone(phone: string): number | null {
  const digits = phone.replace(/[\s()-]/g, '').replace(/^\+44/, '0');
  if (!/^07\d{9}$/.test(digits)) return null;
  const offset = Number(digits.slice(2)) - PHONE_BASE;
  if (offset < 0 || offset % PHONE_STRIDE !== 0) return null;
  const index = offset / PHONE_STRIDE;
  return index < ACCOUNT_COUNT ? index : null;
}

export function accountAt(index: number): Account {
  if (!Number.isInteger(index) || index < 0 || index >= ACCOUNT_COUNT) {
    throw new RangeError(`account index ${index} outside 0..${ACCOUNT_COUNT - 1}`);
  }
  faker.seed(index);
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const postcode = faker.location.zipCode();
  const year = REFERENCE_YEAR - 18 - Math.floor(rng() * 67);
  const month = 1 + Math.floor(rng() * 12);
  const day = 1 + Math.floor(rng() * 28);
  const balancePence = Math.round(200_00 + rng() * 4_800_00);
  const arrearsPence = Math.round(balancePence * (0.05 + rng() * 0.4));
  const mailbox = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    index,
    accountId: accountIdFor(index),
    name: `${firstName} ${lastName}`,
    firstName,
    lastName,
    phone: phoneFor(index),
    postcode,
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    email: `${mailbox}${index % 100}@example.co.uk`,
    balancePence,
    arrearsPence,
  };
}
