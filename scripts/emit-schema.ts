// Writes schema/moa-config.schema.json from the zod schema (run: npm run schema).
import { mkdirSync, writeFileSync } from "node:fs";
import { moaConfigJsonSchema } from "../src/graphs/topologyJsonSchema.js";

mkdirSync("schema", { recursive: true });
writeFileSync("schema/moa-config.schema.json", `${JSON.stringify(moaConfigJsonSchema(), null, 2)}\n`);
console.log("wrote schema/moa-config.schema.json");
