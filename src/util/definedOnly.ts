/**
 * Drops keys whose value is `undefined`, so that spreading settings never overwrites a default with
 * "unset" and provider constructors receive only the options a user gave.
 *
 * @example
 * definedOnly({ temperature: 0.2, seed: undefined }); // { temperature: 0.2 }
 */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
