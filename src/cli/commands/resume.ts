import { threadNotFound } from "../threadNotFound.js";
import { UsageError } from "../../errors/UsageError.js";
import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import { loadConfig } from "../../graphs/loadConfig.js";
import { prepareResume } from "../../persistence/prepareResume.js";
import { prepareRun } from "../prepareRun.js";
import { streamRun, type RunOutputOptions } from "../streamRun.js";
import { withRunStore, type PersistenceOptions } from "../withRunStore.js";
import { withThreadLock } from "../withThreadLock.js";

/** Options of `moa resume`. */
export interface ResumeCommandOptions extends Omit<PersistenceOptions, "persist">, RunOutputOptions {
  thread: string;
  /** Fetch missing models before the run without asking (Ollama pulls, GGUF downloads). */
  pull?: boolean | undefined;
  /** Answer yes to the questions before the run (downloads, pulls). */
  yes?: boolean | undefined;
  /** Probe the backends before the run (default true). */
  check?: boolean | undefined;
}

/**
 * `moa resume <thread>`: continues a run that stopped (crash, kill, Ctrl-C) from its last checkpoint,
 * or retries the failed agents of a run that failed. Agents whose answers were saved are not called again.
 *
 * @example
 * await resumeCommand({ thread: "3f2a..." });
 */
export async function resumeCommand(options: ResumeCommandOptions): Promise<void> {
  const stderr = options.stderr ?? process.stderr;
  await withRunStore({ ...options, persist: true }, async (store) => {
    const known = await store!.getThread(options.thread);
    if (!known) throw threadNotFound({ thread: options.thread, store: store! });
    const topology = loadConfig(known.source);
    if (known.source.backend !== undefined) stderr.write(`backend: ${known.source.backend} (kept from thread ${options.thread})\n`);
    const compiled = buildTopologyGraph({ topology }).compile({ checkpointer: store!.checkpointer });
    const thread = { configurable: { thread_id: options.thread } };
    // Asked first so a thread with nothing to resume costs no probe or download, and asked again once the
    // thread is held, since another run may have moved it on meanwhile.
    if ((await prepareResume(compiled, thread)).kind === "finished") throw nothingToResume(options.thread);
    const modelFactory = await prepareRun({
      topology,
      pull: options.pull === true || options.yes === true,
      check: options.check !== false,
      presetBackend: known.source.backend,
      stderr,
      signal: options.signal,
    });
    const graph = buildTopologyGraph({ topology, modelFactory });
    await withThreadLock({ store, threadId: options.thread, stderr, signal: options.signal }, async (signal) => {
      const resume = await prepareResume(compiled, thread);
      if (resume.kind === "finished") throw nothingToResume(options.thread);
      if (resume.kind === "continue") stderr.write(`resuming thread ${options.thread} at ${resume.next.join(", ")}\n`);
      else if (resume.kind === "reask")
        stderr.write(
          `resuming thread ${options.thread}: nothing of turn ${resume.turn} can continue with the current topology (did an agent change since it stopped?); asking its question again\n`,
        );
      else {
        const kept = resume.kept.length > 0 ? `; keeping the saved answers of ${resume.kept.join(", ")}` : "";
        stderr.write(
          `resuming thread ${options.thread}: the last attempt failed (${firstLine(resume.reason)}); calling ${resume.retried.join(", ")} of layer ${resume.layer} again${kept}\n`,
        );
      }
      // The thread moves up in `moa threads` (newest first), as a new turn would move it.
      await store!.recordThread({ threadId: options.thread, source: known.source, title: known.title });
      await streamRun({
        ...options,
        signal,
        topology,
        graph,
        store,
        threadId: options.thread,
        input: resume.input,
        runConfig: resume.config,
      });
    });
  });
}

function nothingToResume(thread: string): UsageError {
  return new UsageError(
    `thread "${thread}" has nothing to resume: its last run finished (continue it with \`moa run "..." --thread ${thread}\`)`,
    { code: "nothing_to_resume", fix: `ask the thread's next question with \`moa run "<question>" --thread ${thread}\`` },
  );
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.replace(/:$/, "");
}
