import type { AgentAnswer } from "./moaState.js";

/**
 * Role values earlier versions stored, by the value that replaced them. A middle-layer agent's role was
 * `aggregator`, which read like the name of the final aggregator (whose role is `final`); it is `refiner` now.
 */
const RENAMED_ROLES: Readonly<Record<string, AgentAnswer["role"]>> = { aggregator: "refiner" };

/**
 * Agent records as this version names them: records a thread saved with an earlier version's role
 * values come back with today's, so the CLI, the library and the served graphs all show one name.
 * Returns the same array when nothing needed renaming.
 *
 * @example
 * upgradeAnswers([{ ...record, role: "aggregator" }]); // [{ ...record, role: "refiner" }]
 */
export function upgradeAnswers<T extends { role: string }>(answers: readonly T[]): T[] {
  if (!answers.some((a) => Object.hasOwn(RENAMED_ROLES, a.role))) return answers as T[];
  return answers.map((a) => (Object.hasOwn(RENAMED_ROLES, a.role) ? { ...a, role: RENAMED_ROLES[a.role]! } : a));
}
