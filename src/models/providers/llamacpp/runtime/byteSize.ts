// Units are binary (1 KB = 1024 bytes), the way RAM is sized and the way `free` and /proc/meminfo
// count; accepting both spellings (MB and MiB) saves users from guessing which one we mean.
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a memory size such as `"512MB"`, `"2GB"`, `"1.5 GiB"` or `"1048576"` (bytes) into bytes.
 * Units are binary: `1KB = 1024` bytes. Returns `undefined` for anything else.
 *
 * @example
 * parseByteSize("512MB"); // 536870912
 * parseByteSize("lots");  // undefined
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const multiplier = UNITS[match[2]!.toLowerCase()];
  if (multiplier === undefined) return undefined;
  return Math.round(Number(match[1]) * multiplier);
}

/**
 * Formats bytes for people, in the same binary units {@link parseByteSize} accepts.
 *
 * @example
 * formatMemorySize(1536 * 1024 ** 2); // "1.5 GB"
 * formatMemorySize(900);              // "900 B"
 */
export function formatMemorySize(bytes: number): string {
  if (!Number.isFinite(bytes)) return "unlimited";
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)} B`;
  for (const unit of ["KB", "MB", "GB", "TB"]) {
    value /= 1024;
    if (value < 1024 || unit === "TB") return `${sign}${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
  }
  return `${sign}${bytes} B`;
}
