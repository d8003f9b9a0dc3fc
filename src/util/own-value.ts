/**
 * `record[key]` for a key that came from outside (a YAML file, a run folder, an agent's reply),
 * reading only the record's own properties: `constructor`, `toString` or `__proto__` never reach
 * Object.prototype.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An empty record for counts keyed by names from outside: no prototype, so any name is a plain key. */
export function nameCounts(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}
