import type { Scheduler } from "../types.js";
import { dpScheduler } from "./dpScheduler.js";
import { ilpScheduler } from "./ilpScheduler.js";
import { lptScheduler } from "./lptScheduler.js";
import { rrScheduler } from "./rrScheduler.js";

/** Every built-in scheduler, in the order tables show them (baselines first). */
export const schedulers: readonly Scheduler[] = [rrScheduler, dpScheduler, lptScheduler, ilpScheduler];

/** The built-in scheduler names. */
export const schedulerNames: readonly string[] = schedulers.map((s) => s.name);

export { dpScheduler, ilpScheduler, lptScheduler, rrScheduler };
