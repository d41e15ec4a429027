import { moaConfigJsonSchema } from "../../graphs/topologyJsonSchema.js";
import { workloadJsonSchema } from "../../scheduling/workloadJsonSchema.js";

/** Options of `moa schema`. */
export interface SchemaCommandOptions {
  /** Print the schema of workload files (`moa schedule`, `moa batch`) instead of topology files. */
  workload?: boolean;
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa schema`: prints the JSON Schema of topology files, or of workload files with `--workload`.
 *
 * @example
 * schemaCommand({ workload: true });
 */
export function schemaCommand({ workload = false, stdout = process.stdout }: SchemaCommandOptions): void {
  stdout.write(`${JSON.stringify(workload ? workloadJsonSchema() : moaConfigJsonSchema(), null, 2)}\n`);
}
