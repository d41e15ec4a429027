import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; import: string }>;
};

/** The source file behind each package entry (`./dist/src/models/index.js` -> `src/models/index.ts`). */
const entries = Object.entries(pkg.exports)
  .filter((entry): entry is [string, { types: string; import: string }] => typeof entry[1] === "object")
  .map(([name, target]) => [name, path.join(root, target.import.replace(/^\.\/dist\/src\//, "src/").replace(/\.js$/, ".ts"))] as const);

const program = ts.createProgram(
  entries.map(([, file]) => file),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  },
);
const checker = program.getTypeChecker();

function exportedNames(file: string): string[] {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file} is not part of the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  return moduleSymbol
    ? checker
        .getExportsOfModule(moduleSymbol)
        .map((s) => s.name)
        .sort()
    : [];
}

// The public surface changes only on purpose: a new or removed name fails here until the snapshot is
// updated (`npx vitest run test/publicApi.test.ts -u`) and the change is reviewed with it.
describe("public API", () => {
  it("has the entry points the README documents", () => {
    expect(entries.map(([name]) => name)).toEqual([".", "./models", "./routing", "./voting", "./scheduling", "./testing", "./server"]);
  });

  it.each(entries)("%s exports exactly the names on record", (_name, file) => {
    expect(exportedNames(file)).toMatchSnapshot();
  });
});
