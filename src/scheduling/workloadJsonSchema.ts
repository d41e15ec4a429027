import { z } from "zod";
import { WorkloadSchema } from "./workloadSchema.js";

/**
 * JSON Schema of workload files (`moa schedule --workload`), for editor completion.
 *
 * @example
 * writeFileSync("schema/workload.schema.json", JSON.stringify(workloadJsonSchema(), null, 2));
 */
export function workloadJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorkloadSchema, { io: "input", target: "draft-7" }) as Record<string, unknown>;
  return { ...schema, title: "langgraph-moa scheduling workload" };
}
