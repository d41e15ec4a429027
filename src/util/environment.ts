/**
 * Environment variables as the library reads them. A plain record rather than Node's own
 * `ProcessEnv`, so the published type declarations compile in projects without Node's type
 * definitions; `process.env` is assignable to it.
 */
export type Environment = Record<string, string | undefined>;
