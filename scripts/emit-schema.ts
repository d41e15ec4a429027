// Writes the JSON Schemas in schema/ from the zod schemas (run: npm run schema).
import { mkdirSync, writeFileSync } from "node:fs";
import { moaConfigJsonSchema } from "../src/graphs/topologyJsonSchema.js";
import { workloadJsonSchema } from "../src/scheduling/workloadJsonSchema.js";

mkdirSync("schema", { recursive: true });
writeFileSync("schema/moa-config.schema.json", `${JSON.stringify(moaConfigJsonSchema(), null, 2)}\n`);
console.log("wrote schema/moa-config.schema.json");
writeFileSync("schema/workload.schema.json", `${JSON.stringify(workloadJsonSchema(), null, 2)}\n`);
console.log("wrote schema/workload.schema.json");
