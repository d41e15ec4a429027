#!/usr/bin/env node
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../util/packageRoot.js";
import { Command, CommanderError, Option } from "commander";
import { isMoAError } from "../errors/MoAError.js";
import { UsageError } from "../errors/UsageError.js";
import { listPresets, topologyKinds } from "../graphs/registry.js";
import { backendChoices } from "../models/chooseBackend.js";
import { presetBackends } from "../models/providers/registry.js";
import { disposeAll } from "../models/providers/llamacpp/runtime/llamaRuntime.js";
import { modelsListCommand } from "./commands/modelsList.js";
import { modelsPullCommand } from "./commands/modelsPull.js";
import { modelsRemoveCommand } from "./commands/modelsRemove.js";
import { PROFILE_DEFAULTS, profileCommand } from "./commands/profile.js";
import { presetsCommand } from "./commands/presets.js";
import { resumeCommand } from "./commands/resume.js";
import { runCommand } from "./commands/run.js";
import { batchCommand } from "./commands/batch.js";
import { scheduleCommand } from "./commands/schedule.js";
import { serveCommand } from "./commands/serve.js";
import { schemaCommand } from "./commands/schema.js";
import { showCommand } from "./commands/show.js";
import { threadsCommand } from "./commands/threads.js";
import { threadsRemoveCommand } from "./commands/threadsRemove.js";
import { validateCommand } from "./commands/validate.js";
import { closedOutputs, watchOutput } from "./closedOutput.js";
import { errorDocument, wantsJson } from "./errorDocument.js";
import { EXIT } from "./exitCodes.js";
import { captureTracingMessages, type TracingMessages } from "./captureTracingMessages.js";
import { flushTraces, isTracingOn, traceFlushDeadlineMs } from "./flushTraces.js";
import {
  batchHelp,
  modelsHelp,
  profileHelp,
  programHelp,
  runHelp,
  scheduleHelp,
  serveHelp,
  threadsHelp,
  threadsListHelp,
} from "./helpText.js";
import { schedulerNames } from "../scheduling/schedulers/index.js";
import { rejectEmptyValues } from "./rejectEmptyValues.js";
import { userMessage } from "./terminalText.js";
import { withInterrupt } from "./withInterrupt.js";
import { parsePositiveInt } from "./parsePositiveInt.js";
import { registerEvalCommands } from "./registerEvalCommands.js";

function parseSeconds(flag: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > max)
      throw new UsageError(`${flag}: expected a number of seconds above 0 and at most ${max}, got "${value}"`);
    return n;
  };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`--port: expected a port number from 0 to 65535, got "${value}"`);
  return n;
}

function parseBytes(flag: string): (value: string) => number {
  return (value) => {
    const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?$/i.exec(value.trim());
    const unit = { b: 1, kb: 1000, kib: 1024, mb: 1_000_000, mib: 1024 * 1024 }[(match?.[2] ?? "b").toLowerCase() as "b"];
    const n = match ? Math.floor(Number(match[1]) * unit) : NaN;
    if (!Number.isFinite(n) || n < 1024 || n > 100 * 1024 * 1024)
      throw new UsageError(`${flag}: expected a size from 1kib to 100mib (e.g. 1mib, 512kb, 65536), got "${value}"`);
    return n;
  };
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
    throw new UsageError(`--seed: expected a whole number from 0 to 2147483647, got "${value}"`);
  return n;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot({ from: import.meta.dirname }), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

interface RunFlags {
  config?: string;
  preset?: string;
  topology?: string;
  backend: string;
  pull?: boolean;
  maxTokens?: number;
  showLayers?: boolean;
  json?: boolean;
  quiet?: boolean;
  check: boolean;
  yes?: boolean;
  thread?: string;
  abandon?: boolean;
  switchTopology?: boolean;
  db?: string;
  checkpointer?: string;
  persist: boolean;
}

function buildProgram(): Command {
  const program = new Command()
    .name("moa")
    .description("Mixture-of-Agents: several LLMs answer, an aggregator synthesizes the best answer")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    // \`moa eval\` and its subcommands share option names (--bench, --out): each takes what follows it.
    .enablePositionalOptions()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .hook("preAction", (_program, command) => rejectEmptyValues(command))
    .addHelpText("after", programHelp());

  program
    .command("run")
    .description("answer a question with a topology (use - to read the question from stdin)")
    .argument("<question...>", "the question")
    .addOption(new Option("-c, --config <file>", "topology file (YAML or JSON)").conflicts("preset"))
    .addOption(
      new Option(
        "-p, --preset <name>",
        `built-in topology: ${listPresets()
          .map((p) => p.name)
          .join(", ")}`,
      ).conflicts("config"),
    )
    .option("-t, --topology <kind>", `topology kind (${topologyKinds().join(", ")}): its default preset, or a check of --config`)
    .addOption(
      new Option(
        "-b, --backend <backend>",
        "where a preset's models run: auto uses Ollama when it answers at OLLAMA_HOST, else llama.cpp in-process",
      )
        .choices(backendChoices())
        .default("auto"),
    )
    .option("--pull", "fetch missing models first without asking: Ollama pulls, in-process GGUF downloads (progress per model)")
    .option("--max-tokens <n>", "cap every agent's generated tokens (quick, cheap answers)", parsePositiveInt("--max-tokens"))
    .option("--show-layers", "print every agent's answer as it arrives")
    .option("--json", "print one JSON document with the answer, every agent's answer and usage")
    .option("-q, --quiet", "no run status on stderr (which agents are running, answered, failed)")
    .option("--no-check", "skip the backend reachability check")
    .option(
      "-y, --yes",
      "answer yes to every question: download or pull missing models, and with --backend auto use the fallback when a set OLLAMA_HOST cannot be used",
    )
    .option("--thread <id>", "continue this conversation (default: a new thread)")
    .option("--abandon", "ask even though the thread's last turn has no answer (leaving that turn unanswered)")
    .option("--switch-topology", "let --thread go on with another --preset/--config/--topology than the thread's")
    .option("--db <file>", "SQLite file for runs (default: $MOA_DB or the per-user data folder)")
    .option("--checkpointer <url>", "persist runs in PostgreSQL (postgres://...; default: $MOA_CHECKPOINTER)")
    .option("--no-persist", "keep the run in memory only")
    .addHelpText("after", runHelp())
    .action(async (words: string[], flags: RunFlags) => {
      const question = (words.length === 1 && words[0] === "-" ? readFileSync(0, "utf8") : words.join(" ")).trim();
      if (question === "")
        throw new UsageError("the question is empty; give a question or pipe one into `moa run -`", { code: "empty_question" });
      // Ctrl-C cancels in-flight model calls instead of killing the process mid-write.
      await withInterrupt((signal) => runCommand({ question, ...flags, signal }));
    });

  program
    .command("resume")
    .description("finish a run that stopped (crash, kill, Ctrl-C) from its last checkpoint; saved answers are not paid for again")
    .argument("<thread>", "thread id (see `moa threads`)")
    .option("--show-layers", "print every agent's answer as it arrives")
    .option("--json", "print one JSON document")
    .option("-q, --quiet", "no run status on stderr (which agents are running, answered, failed)")
    .option("--no-check", "skip the backend reachability check")
    .option("--pull", "fetch missing models first without asking (Ollama pulls, GGUF downloads)")
    .option("-y, --yes", "answer yes to the questions before the run (download or pull missing models)")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(
      async (
        thread: string,
        flags: {
          showLayers?: boolean;
          json?: boolean;
          quiet?: boolean;
          check: boolean;
          pull?: boolean;
          yes?: boolean;
          db?: string;
          checkpointer?: string;
        },
      ) => {
        await withInterrupt((signal) => resumeCommand({ thread, ...flags, signal }));
      },
    );

  const threads = program
    .command("threads")
    .description("list persisted conversations and their status; `threads rm` deletes one")
    .addHelpText("after", threadsListHelp());
  threads
    .command("list", { isDefault: true })
    .description("list threads, newest first: answered, unfinished (moa resume finishes it) or running")
    .option("--json", "print one JSON document")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(async (flags: { json?: boolean; db?: string; checkpointer?: string }) => {
      await threadsCommand(flags);
    });
  threads
    .command("rm")
    .description("delete a thread: its checkpoints, answers, record and lock (refused while a run holds it)")
    .argument("<thread>", "thread id (see `moa threads`)")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .action(async (thread: string, flags: { db?: string; checkpointer?: string }) => {
      await threadsRemoveCommand({ thread, ...flags });
    });

  program
    .command("show")
    .description("print a thread's turns with every layer's answers")
    .argument("<thread>", "thread id (see `moa threads`)")
    .option("--json", "print one JSON document")
    .option("--db <file>", "SQLite file for runs")
    .option("--checkpointer <url>", "PostgreSQL connection string")
    .addHelpText("after", threadsHelp())
    .action(async (thread: string, flags: { json?: boolean; db?: string; checkpointer?: string }) => {
      await showCommand({ thread, ...flags });
    });

  const models = program
    .command("models")
    .description("the GGUF model cache: list (default), pull a preset's models, rm cached files")
    .addHelpText("after", modelsHelp());
  models
    .command("list", { isDefault: true })
    .description("list cached models")
    .action(async () => {
      await modelsListCommand({});
    });
  models
    .command("rm")
    .description("delete cached models whose file name contains <name> (or all of them)")
    .argument("[name]", "part of the file name, or the hf: URI")
    .option("--all", "delete every cached model")
    .action(async (name: string | undefined, flags: { all?: boolean }) => {
      await modelsRemoveCommand({ match: name, all: flags.all === true });
    });
  const pullable = presetBackends()
    .filter((p) => p.prepare !== undefined)
    .map((p) => p.name);
  models
    .command("pull")
    .description("download a preset's in-process models now, without asking (or pull its Ollama models with --backend ollama)")
    .option("-p, --preset <name>", "the preset", "moa-lite")
    .addOption(
      new Option("-b, --backend <backend>", "the preset's models for this backend")
        .choices(pullable)
        .default(pullable.includes("llamacpp") ? "llamacpp" : pullable[0]),
    )
    .action(async (flags: { preset: string; backend: string }) => {
      await withInterrupt((signal) => modelsPullCommand({ ...flags, signal }));
    });

  program
    .command("presets")
    .description("list the built-in topologies")
    .action(() => presetsCommand({}));

  program
    .command("validate")
    .description("check a topology file and print the resolved agents")
    .argument("<file>", "topology file (YAML or JSON)")
    .action((file: string) => validateCommand({ file }));

  program
    .command("serve")
    .description("serve topologies to OpenAI clients over HTTP (chat completions, responses, models) with a live web page")
    .argument("[topologies...]", "presets, topology files, or folders of topology files (default: moa-lite)")
    .option("--host <address>", "address to listen on; anything but loopback needs an API key", "127.0.0.1")
    .option("-p, --port <n>", "port to listen on (0: any free port)", parsePort, 8080)
    .addOption(new Option("--backend <name>", "where presets' models run").choices(backendChoices()).default("auto"))
    .option("--api-key-file <file>", "API keys clients must send as Bearer tokens, one per line (also MOA_API_KEYS)")
    .option("--max-running <n>", "runs at once", parsePositiveInt("--max-running"), 4)
    .option("--max-waiting <n>", "requests waiting for a run beyond those; more get 429", parsePositiveInt("--max-waiting"), 32)
    .option("--max-body <size>", "largest request body (e.g. 1mib, 512kb); larger get 413", parseBytes("--max-body"), 1024 * 1024)
    .option("--cors <origins>", "comma-separated origins browsers may call the API from (* for any); off by default")
    .option("--grace <seconds>", "time runs in flight get to finish at SIGTERM or Ctrl-C", parseSeconds("--grace", 3600), 30)
    .option("--pull", "fetch missing models before serving (Ollama pulls, GGUF downloads)")
    .option("--no-check", "do not probe the backends before serving")
    .option("--db <file>", "SQLite file where runs are checkpointed")
    .option("--checkpointer <url>", "PostgreSQL connection string: several servers sharing it serve one set of threads")
    .option("--no-persist", "keep runs in memory only (threads cannot be continued)")
    .addHelpText("after", serveHelp())
    .action(
      async (
        topologies: string[],
        flags: {
          host: string;
          port: number;
          backend: string;
          apiKeyFile?: string;
          maxRunning: number;
          maxWaiting: number;
          maxBody: number;
          cors?: string;
          grace: number;
          pull?: boolean;
          check: boolean;
          db?: string;
          checkpointer?: string;
          persist: boolean;
        },
      ) => {
        await serveCommand({
          topologies,
          host: flags.host,
          port: flags.port,
          backend: flags.backend,
          apiKeyFile: flags.apiKeyFile,
          maxRunning: flags.maxRunning,
          maxWaiting: flags.maxWaiting,
          maxBodyBytes: flags.maxBody,
          corsOrigins: (flags.cors ?? "")
            .split(",")
            .map((origin) => origin.trim())
            .filter(Boolean),
          graceSeconds: flags.grace,
          pull: flags.pull,
          check: flags.check,
          db: flags.db,
          checkpointer: flags.checkpointer,
          persist: flags.persist,
        });
      },
    );

  program
    .command("schedule")
    .description("place experts on inference workers and compare schedulers on a workload (simulated)")
    .requiredOption("-w, --workload <file>", "workload file (YAML or JSON): workers, expert profiles, queries")
    .addOption(new Option("-s, --scheduler <name>", "which scheduler").choices([...schedulerNames, "all"]).default("all"))
    .option("--time-limit <seconds>", "hard limit on the ILP solver's time", parseSeconds("--time-limit", 3600), 10)
    .option("--seed <n>", "seed of the simulated service times and gate decisions", parseSeed, 1)
    .option("--json", "print one JSON object")
    .addHelpText("after", scheduleHelp())
    .action(async (flags: { workload: string; scheduler: string; timeLimit: number; seed: number; json?: boolean }) => {
      await withInterrupt((signal) =>
        scheduleCommand({
          workload: flags.workload,
          scheduler: flags.scheduler,
          timeLimitSeconds: flags.timeLimit,
          seed: flags.seed,
          json: flags.json === true,
          signal,
        }),
      );
    });

  program
    .command("batch")
    .description("run a workload's queries on its workers as a schedule places them (MOSAIC graphs), resumable")
    .requiredOption("-w, --workload <file>", "workload file whose workers have an endpoint and whose queries have a prompt")
    .requiredOption("-o, --out <file>", "results, one JSON line per query; run again with the same file to resume")
    .addOption(new Option("-s, --scheduler <name>", "which scheduler places the batch").choices([...schedulerNames]).default("ilp"))
    .option("--time-limit <seconds>", "hard limit on the ILP solver's time", parseSeconds("--time-limit", 3600), 10)
    .option("--max-tokens <n>", "most tokens per answer", parsePositiveInt("--max-tokens"))
    .option(
      "--call-timeout <seconds>",
      "limit on one model call once its turn on the worker has come",
      parseSeconds("--call-timeout", 86_400),
      600,
    )
    .option("--json", "print the summary as one JSON object")
    .option("-q, --quiet", "no live status on stderr")
    .addHelpText("after", batchHelp())
    .action(
      async (flags: {
        workload: string;
        out: string;
        scheduler: string;
        timeLimit: number;
        maxTokens?: number;
        callTimeout: number;
        json?: boolean;
        quiet?: boolean;
      }) => {
        await withInterrupt((signal) =>
          batchCommand({
            callTimeoutSeconds: flags.callTimeout,
            workload: flags.workload,
            out: flags.out,
            scheduler: flags.scheduler,
            timeLimitSeconds: flags.timeLimit,
            ...(flags.maxTokens === undefined ? {} : { maxTokens: flags.maxTokens }),
            json: flags.json === true,
            quiet: flags.quiet === true,
            signal,
          }),
        );
      },
    );

  program
    .command("profile")
    .description("measure each expert of a workload on a worker's server: load time, prefill, seconds per token, answer length")
    .requiredOption("-w, --workload <file>", "workload file (YAML or JSON) whose workers have an endpoint")
    .option("--worker <name>", "the worker to measure on (default: the first with an endpoint)")
    .option("--expert <name...>", "measure only these experts (default: all)")
    .option("--prompts <file>", 'sample prompts: one per line, or JSONL with {"prompt": ...} (default: the workload\'s, else built-in)')
    .option("--runs <n>", `times each prompt is sent (default ${PROFILE_DEFAULTS.runs})`, parsePositiveInt("--runs"))
    .option(
      "--max-tokens <n>",
      `cap on generated tokens per call (default ${PROFILE_DEFAULTS.maxTokens})`,
      parsePositiveInt("--max-tokens"),
    )
    .option(
      "--timeout <seconds>",
      `limit on one call, loading included (default ${PROFILE_DEFAULTS.timeoutSeconds})`,
      parsePositiveInt("--timeout"),
    )
    .option("-o, --out <file>", "write a copy of the workload with the measured profiles (YAML, or JSON for .json)")
    .option("--json", "print one JSON document")
    .addHelpText("after", profileHelp())
    .action(
      async (flags: {
        workload: string;
        worker?: string;
        expert?: string[];
        prompts?: string;
        runs?: number;
        maxTokens?: number;
        timeout?: number;
        out?: string;
        json?: boolean;
      }) => {
        await withInterrupt((signal) => profileCommand({ ...flags, signal }));
      },
    );

  registerEvalCommands({ program });

  program
    .command("schema")
    .description("print the JSON Schema of topology files (or of workload files with --workload)")
    .option("--workload", "the schema of workload files (moa schedule, moa batch)")
    .action((flags: { workload?: boolean }) => schemaCommand({ workload: flags.workload === true }));

  return program;
}

/**
 * Maps an error to its message and exit code (by its category); only unexpected errors show a stack (with MOA_DEBUG=1).
 * With `json`, stdout also gets the failure as a JSON document (stderr keeps the message for people).
 */
function report(error: unknown, { json }: { json: boolean }): number {
  if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok; // help and version are not failures
  if (json) process.stdout.write(`${JSON.stringify(errorDocument(error), null, 2)}\n`);
  // Commander already printed its message.
  if (error instanceof CommanderError) return EXIT.usage;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`moa: ${userMessage({ text: message, stream: process.stderr })}\n`);
  const fix = isMoAError(error) ? error.fix : undefined;
  if (fix !== undefined && !saysFix({ message, fix }))
    process.stderr.write(`  fix: ${userMessage({ text: fix, stream: process.stderr })}\n`);
  if (process.env.MOA_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${userMessage({ text: error.stack, stream: process.stderr })}\n`);
  return isMoAError(error) ? error.exitCode : EXIT.runFailed;
}

// Many messages already say how to fix the problem in their own words (each problem's `fix:` line, the resume
// command): the fix is added only when some part of it is not in the message yet.
function saysFix({ message, fix }: { message: string; fix: string }): boolean {
  const said = message.toLowerCase();
  const parts = fix
    .toLowerCase()
    .split(/; |, or |, /)
    .filter((part) => part.trim().length >= 4);
  return said.includes(fix.toLowerCase()) || (parts.length > 0 && parts.every((part) => said.includes(part.trim())));
}

async function main(argv: string[]): Promise<number> {
  let traceFlushMs: number | undefined;
  let tracingMessages: TracingMessages | undefined;
  try {
    traceFlushMs = traceFlushDeadlineMs({ env: process.env });
    // The LangSmith client prints upload errors with stack traces: they are reported once, after the run.
    if (isTracingOn({ env: process.env })) tracingMessages = captureTracingMessages({});
    await buildProgram().parseAsync(argv);
    // A command that finished its output but did not fully succeed (moa batch with failed queries) sets exitCode.
    const finishedWith = typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
    return closedOutputs().includes("stdout") ? EXIT.outputClosed : finishedWith;
  } catch (error) {
    const code = report(error, { json: wantsJson(argv) });
    return closedOutputs().includes("stdout") ? EXIT.outputClosed : code;
  } finally {
    await disposeAll();
    // Whatever ended the command (an answer, a failure, Ctrl-C, a closed stdout): the exit below would drop them.
    if (traceFlushMs !== undefined)
      await flushTraces({ deadlineMs: traceFlushMs, clientMessages: tracingMessages?.taken, debug: Boolean(process.env.MOA_DEBUG) });
  }
}

watchOutput({ stdout: process.stdout, stderr: process.stderr });
const code = await main(process.argv);
// Flush stdout before exiting: native model runtimes can keep the event loop alive after the run. A
// closed pipe the last lines went to is only reported now: it still counts.
process.stdout.write("", (error) => process.exit(error || closedOutputs().includes("stdout") ? EXIT.outputClosed : code));
