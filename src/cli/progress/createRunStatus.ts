import type { MoAStreamEvent } from "../../nodes/callAgent.js";
import { formatSeconds, lateStatus } from "../render.js";
import { statusLine } from "../terminalText.js";
import { createLiveLines, type LiveLinesOutput } from "./createLiveLines.js";
import { formatDuration } from "./formatDuration.js";

/** Where the status goes: any writable stream, e.g. `process.stderr`. */
export interface RunStatusOutput extends LiveLinesOutput {
  /** A terminal gets a status redrawn in place; anything else gets one line per call started or ended. */
  isTTY?: boolean;
}

/** Options of {@link createRunStatus}. */
export interface CreateRunStatusOptions {
  /** Default `process.stderr`, keeping the status out of the answer on standard output. */
  stream?: RunStatusOutput;
  /** Redraw in place; default `stream.isTTY`. */
  isTTY?: boolean;
  /** What runs (the topology's name), on the status's first line at a terminal. */
  title?: string;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
  /** At a terminal, how often the elapsed times are redrawn; 0 redraws only when a call starts or ends. Default 200. */
  tickMs?: number;
}

/** Shows which calls of a run are running, answered, failed or late while the run goes on. */
export interface RunStatus {
  /** Takes a stream event of the run (`agent_start`, `agent_end`; others are ignored). */
  update(event: MoAStreamEvent): void;
  /** Takes the status off the terminal before other output goes there; it is drawn again at the next change. */
  hide(): void;
  /**
   * Stops for good and takes the status off the terminal. With `cancelled` (the run failed or was
   * interrupted), a log says which calls were still running and so were cancelled.
   */
  end(options?: { cancelled?: boolean }): void;
}

type CallState = "running" | "answered" | "failed" | "late" | "cancelled";

interface Call {
  layer: number;
  agent: string;
  /** The node id of the stage expert the call runs inside. */
  stage: string | undefined;
  state: CallState;
  startedAt: number;
  endedAt: number | undefined;
}

const PARTS: ReadonlyArray<[CallState, string]> = [
  ["running", "running"],
  ["answered", "answered"],
  ["failed", "failed"],
  ["late", "late (cancelled)"],
  ["cancelled", "cancelled"],
];

/**
 * The progress of a run, from the `agent_start` and `agent_end` events it streams. At a terminal it
 * is a few lines redrawn in place (cut to the terminal width): the elapsed time, then one line per
 * layer with its own time and which agents are running, answered, failed or were cancelled late by
 * a quorum; a stage expert's calls get lines of their own (`layer 1 · panel › layer 2`). Elsewhere
 * (CI logs, files) it writes one plain line when a call starts and one when it ends:
 * `[1.6 s] layer 1 · qwen2.5-1.5b answered in 1.57 s (31 in + 4 out tokens)`.
 *
 * @example
 * const status = createRunStatus({ stream: process.stderr, title: "moa-lite" });
 * try {
 *   for await (const [mode, data] of stream) if (mode === "custom") status.update(data);
 * } finally {
 *   status.end();
 * }
 */
export function createRunStatus({
  stream = process.stderr,
  isTTY = stream.isTTY === true,
  title = "moa",
  now = () => performance.now(),
  tickMs = 200,
}: CreateRunStatusOptions = {}): RunStatus {
  const createdAt = now();
  const calls = new Map<string, Call>();
  // Stage experts by node id, to name the stage a call runs inside.
  const stages = new Map<string, { layer: number; agent: string }>();
  const screen = isTTY ? createLiveLines({ stream }) : undefined;
  let ended = false;
  const clean = (text: string) => statusLine({ text, terminal: isTTY });

  const where = (layer: number, stage: string | undefined): string => {
    const outer = stage === undefined ? undefined : stages.get(stage);
    return outer ? `layer ${outer.layer} · ${outer.agent} › layer ${layer}` : `layer ${layer}`;
  };

  const lines = (at: number): string[] => {
    const groups = new Map<string, Call[]>();
    for (const call of calls.values()) {
      const key = where(call.layer, call.stage);
      groups.set(key, [...(groups.get(key) ?? []), call]);
    }
    const out = [`${title} · ${formatDuration(at - createdAt)}`];
    for (const [label, group] of groups) {
      const from = Math.min(...group.map((c) => c.startedAt));
      const to = group.some((c) => c.state === "running") ? at : Math.max(...group.map((c) => c.endedAt ?? at));
      const head = `  ${label}  ${formatDuration(to - from)}  `;
      const line = (named: (state: CallState) => boolean) =>
        head +
        PARTS.flatMap(([state, word]) => {
          const names = group.filter((c) => c.state === state).map((c) => c.agent);
          if (names.length === 0) return [];
          return [named(state) ? `${word} ${names.join(", ")}` : `${word} ${names.length}`];
        }).join(" · ");
      const full = line(() => true);
      // Too wide for the terminal: counts for the running and answered, names only for what went wrong.
      const width = stream.columns;
      out.push(
        width !== undefined && Array.from(full).length >= width ? line((state) => state !== "running" && state !== "answered") : full,
      );
    }
    return out;
  };

  const draw = (): void => {
    if (screen && !ended && calls.size > 0) screen.draw(lines(now()).map(clean));
  };
  const timer = isTTY && tickMs > 0 ? setInterval(draw, tickMs) : undefined;
  // The status never keeps a finished run's process alive.
  timer?.unref();

  const log = (layer: number, stage: string | undefined, text: string): void => {
    stream.write(`[${formatDuration(now() - createdAt)}] ${clean(`${where(layer, stage)} · ${text}`)}\n`);
  };

  return {
    update(event) {
      if (ended || (event.event !== "agent_start" && event.event !== "agent_end")) return;
      const key = `${event.stage ?? ""} ${event.nodeId}`;
      if (event.event === "agent_start") {
        // Any call of the outer topology may be a stage expert whose calls name it by node id.
        if (event.stage === undefined) stages.set(event.nodeId, { layer: event.layer, agent: event.agent });
        calls.set(key, {
          layer: event.layer,
          agent: event.agent,
          stage: event.stage,
          state: "running",
          startedAt: now(),
          endedAt: undefined,
        });
        if (screen) draw();
        else log(event.layer, event.stage, `${event.agent} (${event.model}) started`);
        return;
      }
      const state: CallState = event.error === undefined ? "answered" : event.late ? "late" : "failed";
      const call = calls.get(key);
      calls.set(key, {
        layer: event.layer,
        agent: event.agent,
        stage: event.stage,
        state,
        startedAt: call?.startedAt ?? now() - event.latencyMs,
        endedAt: now(),
      });
      if (screen) return draw();
      const took = formatSeconds(event.latencyMs);
      const tokens = event.usage ? ` (${event.usage.inputTokens} in + ${event.usage.outputTokens} out tokens)` : "";
      const outcome =
        event.error === undefined
          ? `answered in ${took}${tokens}`
          : event.late
            ? lateStatus(event.error)
            : `failed after ${took}: ${event.error}`;
      log(event.layer, event.stage, `${event.agent} ${outcome}`);
    },
    hide() {
      screen?.clear();
    },
    end({ cancelled = false } = {}) {
      if (ended) return;
      ended = true;
      if (timer) clearInterval(timer);
      screen?.clear();
      if (screen || !cancelled) return;
      for (const call of calls.values()) if (call.state === "running") log(call.layer, call.stage, `${call.agent} cancelled`);
    },
  };
}
