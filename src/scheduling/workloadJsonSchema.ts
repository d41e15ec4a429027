import { fileJsonSchema } from "../config/fileJsonSchema.js";
import { WorkloadSchema } from "./workloadSchema.js";

/**
 * JSON Schema of workload files (`moa schedule --workload`), for editor completion.
 *
 * @example
 * writeFileSync("schema/workload.schema.json", JSON.stringify(workloadJsonSchema(), null, 2));
 */
export function workloadJsonSchema(): Record<string, unknown> {
  return fileJsonSchema({ schema: WorkloadSchema, title: "langgraph-moa scheduling workload" });
}
