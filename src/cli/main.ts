#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { planTopologyFile } from "../graphs/planTopology.js";
import { PRESETS } from "../config/presets.js";
import { TOPOLOGY_KINDS } from "../config/topologyKind.js";
import { moaConfigJsonSchema } from "../config/jsonSchema.js";
import { BACKEND_CHOICES, type BackendChoice } from "../models/chooseBackend.js";
import { disposeAll } from "../models/llamacpp/llamaRuntime.js";
import { EXIT } from "./exitCodes.js";
import { isMoAError } from "../errors/MoAError.js";
import { listModelsCommand, removeModelsCommand } from "./modelsCommand.js";
import { prepareModels } from "./prepareModels.js";
import { resolvePlan } from "./resolvePlan.js";
import { resumeCommand, runCommand } from "./runCommand.js";
import { showCommand, threadsCommand } from "./threadsCommand.js";
import { UsageError } from "../errors/UsageError.js";
import { withInterrupt } from "./withInterrupt.js";


function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`${flag}: expected a whole number from 1 to 1000000, got "${value}"`);
    return n;
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function buildProgram(): Command {
  const program = new Command()
    .name("moa")
    .description("Mixture-of-Agents: several LLMs answer, an aggregator synthesizes the best answer")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command("run")
    .description("answer a question with an MoA topology (use - to read the question from stdin)")
    .argument("<question...>", "the question")
    .addOption(new Option("-c, --config <file>", "topology file (YAML or JSON)").conflicts("preset"))
    .addOption(new Option("-p, --preset <name>", `built-in topology: ${Object.keys(PRESETS).join(", ")}`).conflicts("config"))
    .option("-t, --topology <kind>", `topology kind (${TOPOLOGY_KINDS.join(", ")}): its default preset, or a check of --config`)
    .addOption(new Option("-b, --backend <backend>", "where a preset's models run: auto uses Ollama when it answers at OLLAMA_HOST, else llama.cpp in-process").choices(BACKEND_CHOICES).default("auto"))
    .option("--pull", "pull the preset's missing Ollama models first (progress per model)")
    .option("--max-tokens <n>", "cap every agent's generated tokens (quick, cheap answers)", parsePositiveInt("--max-tokens"))
    .option("--show-layers", "print every agent's answer as it arrives")
    .option("--json", "print one JSON document with the answer, every agent's answer and usage")
    .option("--no-check", "skip the backend reachability check")
    .option("--thread <id>", "continue this conversation (default: a new thread)")
    .option("--db <file>", "SQLite file for runs (default: $MOA_DB or the per-user data folder)")
    .option("--checkpointer <url>", "persist runs in PostgreSQL (postgres://...; default: $MOA_CHECKPOINTER)")
    .option("--no-persist", "keep the run in memory only")
    .action(async (words: string[], options: { config?: string; preset?: string; topology?: string; backend: BackendChoice; pull?: boolean; maxTokens?: number; showLayers?: boolean; json?: boolean; check: boolean; thread?: string; db?: string; checkpointer?: string; persist: boolean }) => {
      const question = (words.length === 1 && words[0] === "-" ? readFileSync(0, "utf8") : words.join(" ")).trim();
      if (question === "") throw new UsageError("the question is empty; give a question or pipe one into `moa run -`");
      // Ctrl-C cancels in-flight model calls instead of killing the process mid-write.
      await withInterrupt((signal) => runCommand({ question, ...options, signal }));
    });

  program
    .command("resume")
    .description("finish a run that stopped (crash, kill, Ctrl-C) from its last checkpoint; saved answers are not paid for again")
    .argument("<thread>", "thread id (see `moa threads`)")
    .option("--show-layers", "print every agent's answer as it arrives")
    .option("--json", "print one JSON document")
    .option("--no-check", "skip the backend reachability check")
    .option("--pull", "pull missing Ollama models first")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(async (thread: string, options: { showLayers?: boolean; json?: boolean; check: boolean; pull?: boolean; db?: string; checkpointer?: string }) => {
      await withInterrupt((signal) => resumeCommand({ thread, ...options, signal }));
    });

  program
    .command("threads")
    .description("list persisted conversations")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(async (options: { db?: string; checkpointer?: string }) => {
      await threadsCommand(options);
    });

  program
    .command("show")
    .description("print a thread's turns with every layer's answers")
    .argument("<thread>", "thread id (see `moa threads`)")
    .option("--json", "print one JSON document")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(async (thread: string, options: { json?: boolean; db?: string; checkpointer?: string }) => {
      await showCommand({ thread, ...options });
    });

  const models = program.command("models").description("list the downloaded GGUF models (the model cache); `models rm` deletes them");
  models
    .command("list", { isDefault: true })
    .description("list cached models")
    .action(async () => {
      await listModelsCommand({});
    });
  models
    .command("rm")
    .description("delete cached models whose file name contains <name> (or all of them)")
    .argument("[name]", "part of the file name, or the hf: URI")
    .option("--all", "delete every cached model")
    .action(async (name: string | undefined, options: { all?: boolean }) => {
      await removeModelsCommand({ ...(name !== undefined ? { match: name } : {}), all: options.all === true });
    });
  models
    .command("pull")
    .description("download a preset's in-process models now (or pull its Ollama models with --backend ollama)")
    .option("-p, --preset <name>", "the preset", "moa-lite")
    .addOption(new Option("-b, --backend <backend>", "the preset's models for this backend").choices(["llamacpp", "ollama"]).default("llamacpp"))
    .action(async (options: { preset: string; backend: "llamacpp" | "ollama" }) => {
      const plan = resolvePlan({ preset: options.preset, backend: options.backend });
      await withInterrupt((signal) => prepareModels({ plan, pull: true, stderr: process.stderr, signal, strict: true }));
      process.stderr.write(`the models of ${options.preset} (${options.backend}) are ready\n`);
    });

  program
    .command("presets")
    .description("list the built-in topologies")
    .action(() => {
      for (const preset of Object.values(PRESETS)) {
        process.stdout.write(`${preset.name.padEnd(10)} ${preset.topology.padEnd(9)} ${preset.description}\n`);
        process.stdout.write(`${"".padEnd(10)} ${"".padEnd(9)} llamacpp: ${preset.llamacppDescription}\n`);
      }
    });

  program
    .command("validate")
    .description("check a topology file and print the resolved agents")
    .argument("<file>", "topology file (YAML or JSON)")
    .action((file: string) => {
      const plan = planTopologyFile(file);
      const agents = [...new Map(plan.requirements.flat().map((agent) => [agent.id, agent])).values()];
      const width = Math.max(...agents.map((agent) => agent.id.length));
      for (const agent of agents) process.stdout.write(`${agent.id.padEnd(width)}  ${agent.modelLabel}\n`);
      if (plan.kind === "moa" || plan.kind === "self-moa") {
        const layers = plan.requirements.length - 1;
        process.stdout.write(`${file}: valid ${plan.kind} (${layers} proposer layer${layers > 1 ? "s" : ""} + final aggregator = ${layers + 1} layers)\n`);
      } else {
        const nodes = Object.keys(plan.graph.compile().getGraph().nodes).filter((n) => !n.startsWith("__"));
        process.stdout.write(`${file}: valid ${plan.kind} (nodes: ${nodes.join(", ")})\n`);
      }
    });

  program
    .command("schema")
    .description("print the JSON Schema of topology files")
    .action(() => {
      process.stdout.write(`${JSON.stringify(moaConfigJsonSchema(), null, 2)}\n`);
    });

  return program;
}

/** Maps an error to its message and exit code; only unexpected errors show a stack (with MOA_DEBUG=1). */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are not failures.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`moa: ${message}\n`);
  if (process.env.MOA_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return isMoAError(error) ? error.exitCode : EXIT.runFailed;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return report(error);
  } finally {
    await disposeAll();
  }
}

const code = await main(process.argv);
// Flush stdout before exiting: native model runtimes can keep the event loop alive after the run.
process.stdout.write("", () => process.exit(code));
