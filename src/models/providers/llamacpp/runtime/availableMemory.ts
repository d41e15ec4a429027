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
  let system: SystemMemory = { bytes: os.freemem(), source: "free memory reported by the OS" };
  try {
    const meminfo = await readFile("/proc/meminfo", "utf8");
    const match = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
    if (match) system = { bytes: Number(match[1]) * 1024, source: "MemAvailable in /proc/meminfo" };
  } catch {
    // Not Linux, or /proc not mounted: keep the portable figure.
  }
  // In a container the cgroup's limit binds first: exceeding it gets the process killed, however
  // much the host has free.
  const cgroup = await cgroupRoom();
  return cgroup !== undefined && cgroup.bytes < system.bytes ? cgroup : system;
}

const readTrimmed = (file: string): Promise<string | undefined> =>
  readFile(file, "utf8").then(
    (text) => text.trim(),
    () => undefined,
  );

/**
 * Room left under the cgroup v2 (or v1) memory limit of this process, when there is one.
 *
 * @example
 * const room = await cgroupRoom(); // undefined outside a memory-limited container
 */
export async function cgroupRoom(read: (file: string) => Promise<string | undefined> = readTrimmed): Promise<SystemMemory | undefined> {
  const v2Max = await read("/sys/fs/cgroup/memory.max");
  if (v2Max !== undefined && /^\d+$/.test(v2Max)) {
    const used = Number((await read("/sys/fs/cgroup/memory.current")) ?? 0);
    return { bytes: Math.max(0, Number(v2Max) - used), source: "room under the cgroup memory limit (memory.max)" };
  }
  const v1Max = await read("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  // v1 reports "no limit" as a huge number near 2^63.
  if (v1Max !== undefined && /^\d+$/.test(v1Max) && Number(v1Max) < 2 ** 60) {
    const used = Number((await read("/sys/fs/cgroup/memory/memory.usage_in_bytes")) ?? 0);
    return { bytes: Math.max(0, Number(v1Max) - used), source: "room under the cgroup memory limit (memory.limit_in_bytes)" };
  }
  return undefined;
}
