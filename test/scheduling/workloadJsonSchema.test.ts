import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { workloadJsonSchema } from "../../src/scheduling/workloadJsonSchema.js";

describe("workloadJsonSchema", () => {
  it("is committed up to date in schema/ (regenerate with npm run schema)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schema/workload.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(workloadJsonSchema());
  });

  it("documents the fields a user writes", () => {
    const schema = workloadJsonSchema() as {
      required: string[];
      properties: { workers: { items: { properties: Record<string, { description?: string }> } } };
    };
    expect(schema.required).toEqual(["workers", "experts", "queries"]);
    expect(schema.properties.workers.items.properties.capacity!.description).toMatch(/resident at once/);
  });
});
