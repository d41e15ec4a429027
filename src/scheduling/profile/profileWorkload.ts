import { ConfigError } from "../../errors/ConfigError.js";
import { UsageError } from "../../errors/UsageError.js";
import { UnexpectedResponseError } from "../../models/UnexpectedResponseError.js";
import { SAMPLE_PROMPTS } from "../../prompts/samplePrompts.js";
import { normalizeWorkload } from "../normalizeWorkload.js";
import type { ProblemWorker, SchedulingProblem } from "../types.js";
import { profileOllama } from "./profileOllama.js";
import { profileOpenAI } from "./profileOpenAI.js";
import { summariseTimings } from "./summariseTimings.js";
import type { MeasuredProfile } from "./types.js";

/** Query prompts used when neither a prompts file nor anything else is given: the first distinct ones. */
export const WORKLOAD_PROMPTS_USED = 8;

/** An expert as measured, in the workload's `experts[]` shape (it can be pasted into a workload). */
export interface ProfiledExpert {
  name: string;
  model: string;
  loadSeconds: number;
  service: MeasuredProfile["service"];
}

/** How an expert's numbers were measured (kept apart from {@link ProfiledExpert}, which the schema accepts). */
export interface ExpertMeasurement {
  expert: string;
  calls: number;
  /** True when the load time is an estimate (OpenAI-compatible servers report none). */
  loadEstimated: boolean;
  /** Standard deviation of prefill seconds across calls. */
  prefillSd: number;
  promptTokensMean: number | undefined;
}

/** What `moa profile` measured on one worker. */
export interface ProfileReport {
  worker: string;
  endpoint: { kind: "ollama" | "openai"; baseUrl: string };
  prompts: { count: number; from: "file" | "workload" | "built-in" };
  runs: number;
  maxTokens: number;
  experts: ProfiledExpert[];
  measurements: ExpertMeasurement[];
}

/** Options of {@link profileWorkload}. */
export interface ProfileWorkloadOptions {
  /** The parsed workload document. */
  workload: unknown;
  /** Its file name, for messages. */
  source?: string | undefined;
  /** Worker to measure on (default: the first with an endpoint). */
  worker?: string | undefined;
  /** Experts to measure (default: all). */
  experts?: readonly string[] | undefined;
  /** Sample prompts (default: the workload's query prompts, else built-in ones). */
  prompts?: readonly string[] | undefined;
  runs: number;
  maxTokens: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Something the user should know (an expert profiled under its name). */
  onNote?: ((note: string) => void) | undefined;
  /** Before an expert is measured, and after each of its calls. */
  onProgress?: ((event: { expert: string; model: string; done: number; total: number }) => void) | undefined;
}

/**
 * Measures every expert of a workload (or those named) on one of its workers, whose `endpoint`
 * says how to reach its server, and returns the profiles in the workload's own units.
 *
 * @example
 * const report = await profileWorkload({ workload: readConfigFile("workload.yaml"), runs: 2, maxTokens: 256, timeoutMs: 600_000 });
 * report.experts[0].service.secondsPerOutputToken; // 0.021
 */
export async function profileWorkload(options: ProfileWorkloadOptions): Promise<ProfileReport> {
  const { source, runs, maxTokens, timeoutMs, signal, onNote, onProgress } = options;
  const problem = normalizeWorkload({ workload: options.workload, source, allowUnrouted: true });
  const { worker, endpoint } = chooseWorker({ problem, name: options.worker, source });
  const rawExperts = (options.workload as { experts: Array<{ model?: unknown }> }).experts;
  const chosen = chooseExperts({ problem, names: options.experts });
  const { prompts, from } = choosePrompts({ problem, given: options.prompts });

  const experts: ProfiledExpert[] = [];
  const measurements: ExpertMeasurement[] = [];
  for (const index of chosen) {
    const model = problem.models[index]!;
    if (rawExperts[index]?.model === undefined)
      onNote?.(`experts[${index}].model is not set: profiling "${model.model}", the expert's name, as the model`);
    onProgress?.({ expert: model.name, model: model.model, done: 0, total: prompts.length * runs });
    const callOptions = {
      baseUrl: endpoint.baseUrl,
      model: model.model,
      prompts,
      runs,
      maxTokens,
      timeoutMs,
      signal,
      onCall: (done: number, total: number) => onProgress?.({ expert: model.name, model: model.model, done, total }),
    };
    const calls = endpoint.kind === "ollama" ? await profileOllama(callOptions) : await profileOpenAI(callOptions);
    const measured = summariseTimings({ calls, loadFromFirstCall: endpoint.kind === "ollama" ? "reported" : "estimate" });
    if (measured.service.secondsPerOutputToken <= 0 || measured.service.outputTokens.mean <= 0)
      throw new UnexpectedResponseError(
        `the server of worker "${worker.name}" generated no output tokens for "${model.model}" in ${calls.length} call(s): there is nothing to time`,
        "check that the model generates text (an embedding model cannot be profiled), or raise --max-tokens",
      );
    experts.push({ name: model.name, model: model.model, loadSeconds: measured.loadSeconds, service: measured.service });
    measurements.push({
      expert: model.name,
      calls: measured.calls,
      loadEstimated: measured.loadEstimated,
      prefillSd: measured.prefillSd,
      promptTokensMean: measured.promptTokensMean,
    });
  }
  return { worker: worker.name, endpoint, prompts: { count: prompts.length, from }, runs, maxTokens, experts, measurements };
}

function chooseWorker({ problem, name, source }: { problem: SchedulingProblem; name: string | undefined; source: string | undefined }): {
  worker: ProblemWorker;
  endpoint: NonNullable<ProblemWorker["endpoint"]>;
} {
  const names = problem.workers.map((w) => `"${w.name}"`).join(", ");
  if (name === undefined) {
    const worker = problem.workers.find((w) => w.endpoint !== undefined);
    if (worker?.endpoint === undefined)
      throw new ConfigError(
        [
          {
            path: "workers[0].endpoint",
            message: "no worker has an endpoint; moa profile needs { kind: ollama | openai, baseUrl } on the worker to measure on",
          },
        ],
        source,
      );
    return { worker, endpoint: worker.endpoint };
  }
  const index = problem.workers.findIndex((w) => w.name === name);
  if (index < 0)
    throw new UsageError(`--worker "${name}": no such worker${source ? ` in ${source}` : ""}; workers are ${names}`, {
      code: "unknown_worker",
    });
  const worker = problem.workers[index]!;
  if (worker.endpoint === undefined)
    throw new ConfigError(
      [
        {
          path: `workers[${index}].endpoint`,
          message: `worker "${name}" has no endpoint; moa profile needs { kind: ollama | openai, baseUrl } to reach its server`,
        },
      ],
      source,
    );
  return { worker, endpoint: worker.endpoint };
}

function chooseExperts({ problem, names }: { problem: SchedulingProblem; names: readonly string[] | undefined }): number[] {
  if (names === undefined || names.length === 0) return problem.models.map((_, i) => i);
  return [...new Set(names)].map((name) => {
    const index = problem.models.findIndex((m) => m.name === name);
    if (index < 0)
      throw new UsageError(`--expert "${name}": no such expert; experts are ${problem.models.map((m) => `"${m.name}"`).join(", ")}`, {
        code: "unknown_expert",
      });
    return index;
  });
}

function choosePrompts({ problem, given }: { problem: SchedulingProblem; given: readonly string[] | undefined }): {
  prompts: string[];
  from: ProfileReport["prompts"]["from"];
} {
  if (given !== undefined && given.length > 0) return { prompts: [...given], from: "file" };
  const fromQueries = [...new Set(problem.queries.flatMap((q) => (q.prompt?.trim() ? [q.prompt] : [])))].slice(0, WORKLOAD_PROMPTS_USED);
  if (fromQueries.length > 0) return { prompts: fromQueries, from: "workload" };
  return { prompts: [...SAMPLE_PROMPTS], from: "built-in" };
}
