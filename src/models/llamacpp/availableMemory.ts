import { readFile } from "node:fs/promises";
import os from "node:os";

/** Memory the system can give a new allocation, and where the number came from. */
export interface SystemMemory {
  bytes: number;
  source: string;
}

/**
 * Memory available to a new model right now. On Linux that is `MemAvailable` from /proc/meminfo,
 * which counts reclaimable page cache; `os.freemem()` (the fallback elsewhere) does not, so on a
 * machine with a warm page cache it understates what a load can really get.
 *
 * @example
 * const { bytes, source } = await systemAvailableMemory();
 */
export async function systemAvailableMemory(): Promise<SystemMemory> {
  try {
    const meminfo = await readFile("/proc/meminfo", "utf8");
    const match = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
    if (match) return { bytes: Number(match[1]) * 1024, source: "MemAvailable in /proc/meminfo" };
  } catch {
    // Not Linux, or /proc not mounted: use the portable figure below.
  }
  return { bytes: os.freemem(), source: "free memory reported by the OS" };
}
