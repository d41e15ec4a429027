import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { readConfigFile } from "../../config/readConfigFile.js";
import { UsageError } from "../../errors/UsageError.js";
import { applyProfiles } from "../../scheduling/profile/applyProfiles.js";
import { profileWorkload, type ProfileReport } from "../../scheduling/profile/profileWorkload.js";
import { readPrompts } from "../../scheduling/profile/readPrompts.js";
import { isTerminal, statusLine, untrustedText, userMessage } from "../terminalText.js";

/** Options of `moa profile`. */
export interface ProfileCommandOptions {
  workload: string;
  worker?: string | undefined;
  expert?: string[] | undefined;
  prompts?: string | undefined;
  runs?: number | undefined;
  maxTokens?: number | undefined;
  timeout?: number | undefined;
  out?: string | undefined;
  json?: boolean | undefined;
  signal?: AbortSignal | undefined;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Defaults of `moa profile`. */
export const PROFILE_DEFAULTS = { runs: 1, maxTokens: 256, timeoutSeconds: 600 } as const;

/**
 * `moa profile`: measures the workload's experts on one of its workers and prints their profiles
 * (a table, or one JSON document with `--json`); `--out` writes a copy of the workload with them.
 *
 * @example
 * await profileCommand({ workload: "workload.yaml", worker: "gpu-1", runs: 2, out: "profiled.yaml" });
 */
export async function profileCommand({
  workload: file,
  worker,
  expert,
  prompts: promptsFile,
  runs = PROFILE_DEFAULTS.runs,
  maxTokens = PROFILE_DEFAULTS.maxTokens,
  timeout = PROFILE_DEFAULTS.timeoutSeconds,
  out,
  json = false,
  signal,
  stdout = process.stdout,
  stderr = process.stderr,
}: ProfileCommandOptions): Promise<void> {
  const workload = readConfigFile(file, { expected: 'a mapping with "workers", "experts" and "queries"', what: "workload file" });
  const prompts = promptsFile === undefined ? undefined : readPrompts({ file: promptsFile });
  const note = (text: string): void => void stderr.write(`note: ${userMessage({ text, stream: stderr })}\n`);
  const report = await profileWorkload({
    workload,
    source: file,
    worker,
    experts: expert,
    prompts,
    runs,
    maxTokens,
    timeoutMs: timeout * 1000,
    signal,
    onNote: note,
    onProgress: ({ expert: name, model, done, total }) => {
      if (done === 0)
        stderr.write(`${statusLine({ text: `profiling ${name} (${model}): ${total} call(s)`, terminal: isTerminal(stderr) })}\n`);
    },
  });
  if (out !== undefined)
    writeWorkload({
      file: out,
      text: workloadText({ source: file, out, updated: applyProfiles({ workload, report, source: out }), report }),
    });
  if (json) {
    stdout.write(`${JSON.stringify({ ...report, ...(out !== undefined ? { written: out } : {}) }, null, 2)}\n`);
    return;
  }
  stdout.write(untrustedText({ text: profileTable(report), stream: stdout }));
  const estimated = report.measurements.some((m) => m.loadEstimated);
  if (estimated) stdout.write("load s is an estimate: the first call's extra time to first token (the server reports no load time)\n");
  if (out !== undefined)
    stdout.write(`wrote ${untrustedText({ text: out, stream: stdout })} with these profiles for worker ${report.worker}\n`);
}

/**
 * The table `moa profile` prints: one row per expert.
 *
 * @example
 * profileTable(report); // "expert  model  load s  prefill s  s/token  tokens\n..."
 */
export function profileTable(report: ProfileReport): string {
  const head = ["expert", "model", "load s", "prefill s", "s/token", "tokens"];
  const rows = report.experts.map((e) => [
    e.name,
    e.model.replace(/\s+/g, " "),
    String(e.loadSeconds),
    String(e.service.prefillSeconds),
    String(e.service.secondsPerOutputToken),
    `${e.service.outputTokens.mean}±${e.service.outputTokens.sd}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const title = `worker ${report.worker} (${report.endpoint.kind} at ${report.endpoint.baseUrl}), ${report.prompts.count} ${report.prompts.from} prompt(s) x ${report.runs} run(s), max ${report.maxTokens} tokens`;
  return `${title}\n${[line(head), ...rows.map(line)].join("\n")}\n`;
}

/**
 * The text of the updated workload: JSON for a `.json` name; otherwise YAML, edited in the source
 * document where it can be (comments and layout kept), else written afresh.
 */
function workloadText({
  source,
  out,
  updated,
  report,
}: {
  source: string;
  out: string;
  updated: Record<string, unknown>;
  report: ProfileReport;
}): string {
  if (/\.json$/i.test(out)) return `${JSON.stringify(updated, null, 2)}\n`;
  const fresh = YAML.stringify(updated);
  if (/\.json$/i.test(source)) return fresh;
  try {
    const document = YAML.parseDocument(readFileSync(source, "utf8"));
    const experts = updated.experts as Array<{ name: string; loadSeconds: unknown; service: unknown }>;
    experts.forEach((expert, i) => {
      if (!report.experts.some((m) => m.name === expert.name)) return;
      document.setIn(["experts", i, "loadSeconds"], document.createNode(expert.loadSeconds));
      document.setIn(["experts", i, "service"], document.createNode(expert.service));
    });
    const edited = document.toString();
    // Only an edit that reads back as exactly the updated workload is kept.
    return isDeepStrictEqual(YAML.parse(edited), updated) ? edited : fresh;
  } catch {
    return fresh;
  }
}

function writeWorkload({ file, text }: { file: string; text: string }): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--out ${file}: cannot be written (${code ?? String(error)})`, { code: "output_not_writable" });
  }
}
