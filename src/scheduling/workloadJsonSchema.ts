import { z } from "zod";
import { WorkloadSchema } from "./workloadSchema.js";

/**
 * JSON Schema of workload files (`moa schedule --workload`), for editor completion.
 *
 * @example
 * writeFileSync("schema/workload.schema.json", JSON.stringify(workloadJsonSchema(), null, 2));
 */
export function workloadJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorkloadSchema, {
    io: "input",
    target: "draft-7",
    unrepresentable: "any",
    override: (ctx) => {
      const anyOf = ctx.jsonSchema.anyOf;
      // The gate's embeddings may be an instance in code; a file can only name a reference.
      if (Array.isArray(anyOf)) ctx.jsonSchema.anyOf = anyOf.filter((branch) => Object.keys(branch as object).length > 0);
    },
  }) as Record<string, unknown>;
  return { ...schema, title: "langgraph-moa scheduling workload" };
}
