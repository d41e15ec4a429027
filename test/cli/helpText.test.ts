import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exitCodes.js";
import { ENVIRONMENT, LANGCHAIN_ENVIRONMENT } from "../../src/cli/helpText.js";
import { modelProviders } from "../../src/models/providers/registry.js";
import { runCli } from "../helpers/runCli.js";

const root = path.resolve(import.meta.dirname, "../..");

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(folder, file));
}

// The code that reads variables, without the help text that names them.
const code = sourcesUnder(path.join(root, "src"))
  .filter((file) => !file.endsWith(path.join("cli", "helpText.ts")))
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");

/** Variables read as `env.NAME` anywhere in src/. */
const readNames = new Set([...code.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));

// Read, but not by the CLI (the served graphs' settings) or not a user setting (platform folders).
const NOT_FOR_THE_CLI = new Set([
  "MOA_BACKEND",
  "MOA_MAX_TOKENS",
  "MOA_CONFIG_DIR",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
  "APPDATA",
  "LOCALAPPDATA",
]);

describe("the environment in `moa --help`", () => {
  it("lists only variables the code reads", () => {
    for (const { name } of ENVIRONMENT) {
      const family = name.endsWith("_<NAME>") ? name.slice(0, -"<NAME>".length) : undefined;
      const read = family ? code.includes(`"${family}`) : readNames.has(name) || code.includes(`"${name}"`);
      expect(read, name).toBe(true);
    }
  });

  it("lists every variable the CLI reads", () => {
    const listed = new Set(ENVIRONMENT.map((v) => v.name));
    expect([...readNames].filter((name) => !listed.has(name) && !NOT_FOR_THE_CLI.has(name))).toEqual([]);
  });

  it("lists LangChain's variables only when LangChain reads them", () => {
    const folder = path.join(root, "node_modules/langsmith");
    const langsmith = readdirSync(folder, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".js") && !file.includes("node_modules"))
      .map((file) => readFileSync(path.join(folder, file), "utf8"))
      .join("\n");
    // LangSmith reads LANGSMITH_<X> (and LANGCHAIN_<X>) through one helper given <X>, or the full name.
    for (const { name } of LANGCHAIN_ENVIRONMENT) {
      const short = name.replace(/^LANGSMITH_/, "");
      expect(langsmith.includes(name) || langsmith.includes(`"${short}"`), name).toBe(true);
    }
  });

  it("prints each variable with its meaning", async () => {
    const { stdout } = await runCli(["--help"]);
    for (const { name, meaning } of [...ENVIRONMENT, ...LANGCHAIN_ENVIRONMENT])
      expect(stdout).toMatch(new RegExp(`^  ${escape(name)} +${escape(meaning)}$`, "m"));
  });
});

describe("`moa --help`", () => {
  it("shows examples", async () => {
    const { stdout } = await runCli(["--help"]);
    expect(stdout).toMatch(/^Examples:\n {2}moa run "Why is the sky blue\?"/m);
  });

  it("shows every exit code", async () => {
    const { stdout } = await runCli(["--help"]);
    for (const code of Object.values(EXIT)) expect(stdout).toMatch(new RegExp(`^  ${code} +\\S`, "m"));
  });

  it("shows every model reference form", async () => {
    const { stdout } = await runCli(["--help"]);
    const forms = modelProviders().flatMap((p) => p.syntax);
    expect(forms).toEqual(
      expect.arrayContaining([
        "ollama:<name>[@<baseUrl>]",
        "openai:<name>[@<baseUrl>]",
        "llamacpp:<path to .gguf>",
        "hf:<owner>/<repo>/<file.gguf>",
      ]),
    );
    for (const form of forms) expect(stdout).toContain(`  ${form}\n`);
  });

  it.each([[[]], [["run"]], [["models"]], [["show"]], [["models", "pull"]]])("fits 100 columns: moa %j --help", async (command) => {
    const { stdout, code } = await runCli([...command, "--help"]);
    expect(code).toBe(0);
    expect(stdout.split("\n").filter((line) => line.length > 100)).toEqual([]);
  });
});

describe("command help", () => {
  it("shows run's examples, environment and exit codes", async () => {
    const { stdout } = await runCli(["run", "--help"]);
    expect(stdout).toContain("Examples:\n  moa run ");
    expect(stdout).toContain("\nEnvironment:\n  OLLAMA_HOST ");
    expect(stdout).toContain("\nExit codes:\n  0 ");
    expect(stdout).toContain("--switch-topology");
  });

  it("shows the listing's options and an rm example under threads", async () => {
    const { stdout } = await runCli(["threads", "--help"]);
    expect(stdout).toMatch(/^ {2}--json +print one JSON document$/m);
    expect(stdout).toMatch(/^ {2}--db <file> +SQLite file for runs/m);
    expect(stdout).toContain("  moa threads rm <thread>");
  });

  it("names pull in the models command's description and examples", async () => {
    const { stdout } = await runCli(["--help"]);
    expect(stdout).toMatch(/models +.*pull/);
    const models = await runCli(["models", "--help"]);
    expect(models.stdout).toContain("moa models pull --preset");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
