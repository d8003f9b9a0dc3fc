import { fakerEN_GB } from '@faker-js/faker';
import { pick, type Random, seeded } from '../seeded-random.ts';

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

/**
 * Names and postcode areas come from faker's en_GB locale data, drawn with our own seeded
 * generator: seeding faker per account cost ~4 µs, a fifth of the generator's per-call budget.
 * Postcodes follow the real shape (area + district, then digit + two letters of the inward code).
 */
const person = fakerEN_GB.definitions.person;
const FIRST_NAMES: readonly string[] = [
  ...(person.first_name?.female ?? []),
  ...(person.first_name?.male ?? []),
];
const LAST_NAMES: readonly string[] = person.last_name?.generic ?? [];
const POSTCODE_AREAS: readonly string[] = [
  ...new Set(
    (fakerEN_GB.definitions.location.postcode as readonly string[]).map((p) => p.replace(/[#? ].*$/, '')),
  ),
];
/** The names as they appear in e-mail addresses (lower case, letters only), computed once. */
const mailboxPart = (name: string) => name.toLowerCase().replace(/[^a-z.]/g, '');
const FIRST_MAILBOX: readonly string[] = FIRST_NAMES.map(mailboxPart);
const LAST_MAILBOX: readonly string[] = LAST_NAMES.map(mailboxPart);
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function inwardLetter(rng: Random): string {
  return INWARD_LETTERS[Math.floor(rng() * INWARD_LETTERS.length)]!;
}

function postcode(rng: Random): string {
  const district = 1 + Math.floor(rng() * (rng() < 0.5 ? 9 : 29));
  return `${pick(rng, POSTCODE_AREAS)}${district} ${Math.floor(rng() * 10)}${inwardLetter(rng)}${inwardLetter(rng)}`;
}

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
  const rng = seeded(DATASET_SEED, index);
  const first = Math.floor(rng() * FIRST_NAMES.length);
  const last = Math.floor(rng() * LAST_NAMES.length);
  const firstName = FIRST_NAMES[first]!;
  const lastName = LAST_NAMES[last]!;
  const year = REFERENCE_YEAR - 18 - Math.floor(rng() * 67);
  const month = 1 + Math.floor(rng() * 12);
  const day = 1 + Math.floor(rng() * 28);
  const balancePence = Math.round(200_00 + rng() * 4_800_00);
  const arrearsPence = Math.round(balancePence * (0.05 + rng() * 0.4));
  const mailbox = `${FIRST_MAILBOX[first]}.${LAST_MAILBOX[last]}`;
  return {
    index,
    accountId: accountIdFor(index),
    name: `${firstName} ${lastName}`,
    firstName,
    lastName,
    phone: phoneFor(index),
    postcode: postcode(rng),
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    email: `${mailbox}${index % 100}@example.co.uk`,
    balancePence,
    arrearsPence,
  };
}
