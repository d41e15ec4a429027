import type { Environment } from "../util/environment.js";
/** Variables a config may name in `apiKeyEnv` without the user allowing them one by one. */
export const API_KEY_ENV_PREFIX = "MOA_API_KEY_";
/** The user's own list of further variables configs may name in `apiKeyEnv` (comma- or space-separated). */
export const ALLOWED_KEY_ENV = "MOA_ALLOWED_KEY_ENV";

/**
 * Why a config may not name this variable in `apiKeyEnv`, or undefined when it may. A config chooses
 * both the variable and the server the key is sent to, so a shared config naming `HF_TOKEN`,
 * `OPENAI_API_KEY` or `AWS_SECRET_ACCESS_KEY` would send that secret to any server it likes. Allowed:
 * variables named `MOA_API_KEY_<anything>` (set for moa on purpose), and those the user lists in
 * `MOA_ALLOWED_KEY_ENV`, which lives in the user's environment where a config cannot write it.
 *
 * @example
 * apiKeyEnvProblem("MOA_API_KEY_TOGETHER", {}); // undefined
 * apiKeyEnvProblem("HF_TOKEN", {}); // "HF_TOKEN may not be used: ..."
 */
export function apiKeyEnvProblem(name: string, env: Environment = process.env): string | undefined {
  if (name.startsWith(API_KEY_ENV_PREFIX) && name.length > API_KEY_ENV_PREFIX.length) return undefined;
  const allowed = (env[ALLOWED_KEY_ENV] ?? "").split(/[\s,]+/).filter(Boolean);
  if (allowed.includes(name)) return undefined;
  return (
    `${name} may not be used: a config may only name variables starting with ${API_KEY_ENV_PREFIX} ` +
    `(e.g. ${API_KEY_ENV_PREFIX}TOGETHER), or ones you list in ${ALLOWED_KEY_ENV} (e.g. ${ALLOWED_KEY_ENV}=${name}), ` +
    `so that a shared config cannot send your other secrets to a server it names`
  );
}
