import { ConfigError } from "../../../../errors/ConfigError.js";
import type { Environment } from "../../../../util/environment.js";

/** How long a download may go without receiving a byte (or its response headers) when nothing says otherwise. */
export const DEFAULT_DOWNLOAD_STALL_MS = 30_000;

/**
 * The stall limit of downloads: `MOA_DOWNLOAD_STALL_SECONDS` (a positive number, fractions allowed),
 * else {@link DEFAULT_DOWNLOAD_STALL_MS}. Without one, a server that stops sending waits out the HTTP
 * client's 300 s body timeout on every attempt.
 *
 * @throws {ConfigError} naming the variable when it is not a positive number.
 * @example
 * downloadStallMs({ MOA_DOWNLOAD_STALL_SECONDS: "10" }); // 10000
 */
export function downloadStallMs(env: Environment = process.env): number {
  const raw = env.MOA_DOWNLOAD_STALL_SECONDS?.trim();
  if (!raw) return DEFAULT_DOWNLOAD_STALL_MS;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds > 0))
    throw new ConfigError([{ path: "MOA_DOWNLOAD_STALL_SECONDS", message: `expected a positive number of seconds, got "${raw}"` }]);
  return Math.ceil(seconds * 1000);
}
