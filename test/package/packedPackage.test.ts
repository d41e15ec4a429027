import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// What `npm pack` ships, checked as a user installing the tarball (or a git URL, which packs the same way) gets it.
const root = path.resolve(import.meta.dirname, "../..");
const work = path.join(root, "test/.tmp/packed-package");
// Inside the repository, so the packed package's dependencies resolve to the installed ones.
const consumer = path.join(work, "consumer");
const installed = path.join(consumer, "node_modules/langgraph-moa");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  license: string;
};
let files: string[] = [];

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join("/")];
  });
}

function typeCheck({ entries, types }: { entries: string[]; types: string[] }): string[] {
  const imports = entries.map((entry, i) => `import * as m${i} from "langgraph-moa${entry}";`);
  writeFileSync(path.join(consumer, "index.ts"), `${imports.join("\n")}\nexport { ${entries.map((_, i) => `m${i}`).join(", ")} };\n`);
  writeFileSync(
    path.join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types,
      },
      files: ["index.ts"],
    }),
  );
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", consumer], { encoding: "utf8" });
    return [];
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
      .split("\n")
      .filter((line) => line.includes("error TS"));
  }
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  // dist/ is built by the global setup; packing must not rebuild it.
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  execFileSync("tar", ["-xzf", path.join(work, filename), "-C", installed, "--strip-components=1"]);
  files = listFiles(installed);
}, 120_000);

describe("the packed package", () => {
  it("holds every file the exports and bin entries point to", () => {
    const targets = [
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target))),
      ...Object.values(manifest.bin),
    ].map((target) => target.replace(/^\.\//, ""));
    expect(targets.filter((target) => !files.includes(target))).toEqual([]);
  });

  it("ships the CLI as an executable node script", () => {
    const bin = readFileSync(path.join(installed, manifest.bin.moa!), "utf8");
    expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("ships a LICENSE naming the license of package.json", () => {
    expect(readFileSync(path.join(installed, "LICENSE"), "utf8")).toMatch(new RegExp(`^${manifest.license} License`));
  });

  it("holds only the build, the schema and the documents: no sources, tests, settings or local files", () => {
    const unexpected = files.filter((file) => !/^(dist|schema)\//.test(file) && !["package.json", "README.md", "LICENSE"].includes(file));
    expect(unexpected).toEqual([]);
  });

  it("names no path of the machine it was packed on", () => {
    const home = os.homedir();
    const local = [root, ...(home.length > 1 ? [home] : [])];
    const leaks = files.filter((file) => {
      const text = readFileSync(path.join(installed, file), "utf8");
      return local.some((dir) => text.includes(dir));
    });
    expect(leaks).toEqual([]);
  });
});

describe("the packed type declarations in a user's project (skipLibCheck: false)", () => {
  const entries = Object.keys(manifest.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => key.slice(1));

  it("type-check without errors in a Node project, for every entry point but ./models", () => {
    // ./models exposes the in-process llama.cpp runtime, whose node-llama-cpp declarations carry
    // errors of their own; the next test holds this package's files there to the same standard.
    expect(typeCheck({ entries: entries.filter((entry) => entry !== "/models"), types: ["node"] })).toEqual([]);
  }, 120_000);

  it("have no errors of their own, with or without Node's type definitions", () => {
    const own = (lines: string[]) => lines.filter((line) => line.startsWith("node_modules/langgraph-moa/"));
    expect(own(typeCheck({ entries, types: ["node"] }))).toEqual([]);
    expect(own(typeCheck({ entries, types: [] }))).toEqual([]);
  }, 120_000);
});
