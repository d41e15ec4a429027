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
  /** Pull missing Ollama models before the run. */
  pull?: boolean | undefined;
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
  await withRunStore({ ...options, persist: true }, (store) =>
    withThreadLock({ store, threadId: options.thread, stderr, signal: options.signal }, async () => {
      const known = await store!.getThread(options.thread);
      if (!known)
        throw new UsageError(`no thread "${options.thread}" in ${store!.description}; see \`moa threads\``, { code: "thread_not_found" });
      const topology = loadConfig(known.source);
      if (known.source.backend !== undefined) stderr.write(`backend: ${known.source.backend} (kept from thread ${options.thread})\n`);
      const graph = buildTopologyGraph({ topology });
      const resume = await prepareResume(graph.compile({ checkpointer: store!.checkpointer }), {
        configurable: { thread_id: options.thread },
      });
      if (resume.kind === "finished") {
        throw new UsageError(
          `thread "${options.thread}" has nothing to resume: its last run finished (continue it with \`moa run "..." --thread ${options.thread}\`)`,
          { code: "nothing_to_resume" },
        );
      }
      await prepareRun({ topology, pull: options.pull === true, check: options.check !== false, stderr, signal: options.signal });
      if (resume.kind === "continue") stderr.write(`resuming thread ${options.thread} at ${resume.next.join(", ")}\n`);
      else if (resume.kind === "reask")
        stderr.write(
          `resuming thread ${options.thread}: the topology changed since turn ${resume.turn} stopped, so its steps cannot continue; asking its question again with the current topology\n`,
        );
      else {
        const kept = resume.kept.length > 0 ? `; keeping the saved answers of ${resume.kept.join(", ")}` : "";
        stderr.write(
          `resuming thread ${options.thread}: the last attempt failed (${firstLine(resume.reason)}); calling ${resume.retried.join(", ")} of layer ${resume.layer} again${kept}\n`,
        );
      }
      await streamRun({ ...options, topology, graph, store, threadId: options.thread, input: resume.input, runConfig: resume.config });
    }),
  );
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.replace(/:$/, "");
}
