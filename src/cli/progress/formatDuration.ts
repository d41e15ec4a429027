/**
 * A duration for people: seconds with one decimal under a minute, then minutes and seconds, then
 * hours and minutes. Not-a-number or infinite durations (an ETA without a speed) read `--`.
 *
 * @example
 * formatDuration(12_345); // "12.3 s"
 * formatDuration(125_000); // "2m 05s"
 * formatDuration(7_380_000); // "2h 03m"
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "--";
  const tenths = Math.round(Math.max(0, ms) / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
