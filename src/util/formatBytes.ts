const UNITS = ["KB", "MB", "GB", "TB"] as const;

/**
 * A byte count for people: decimal units (as Ollama and Hugging Face show model sizes), one decimal
 * above a kilobyte, whole bytes below.
 *
 * @example
 * formatBytes(398_600_000); // "398.6 MB"
 * formatBytes(512); // "512 B"
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "? B";
  const bytes = Math.max(0, n);
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes / 1000;
  let unit = 0;
  // Compare the rounded value, so 999_960 bytes reads "1.0 MB" rather than "1000.0 KB".
  while (Math.round(value * 10) / 10 >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}
