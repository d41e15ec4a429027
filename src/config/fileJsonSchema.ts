import { z } from "zod";

/**
 * The JSON Schema of what a file may hold for a zod schema: the input side, draft-7 (what editors read).
 * Chat model and embeddings instances can be given in code but never written in a file, so the empty
 * branches that stand for them are left out of every union.
 *
 * @example
 * fileJsonSchema({ schema: WorkloadSchema, title: "langgraph-moa scheduling workload" });
 */
export function fileJsonSchema({ schema, title }: { schema: z.ZodType; title: string }): Record<string, unknown> {
  const jsonSchema = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-7",
    override: (ctx) => {
      const anyOf = ctx.jsonSchema.anyOf;
      if (Array.isArray(anyOf)) ctx.jsonSchema.anyOf = anyOf.filter((branch) => Object.keys(branch as object).length > 0);
    },
  }) as Record<string, unknown>;
  return { ...jsonSchema, title };
}
