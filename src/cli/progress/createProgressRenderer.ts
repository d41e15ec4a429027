/*
 * Written here rather than taken from npm: cli-progress, the usual choice, prints its non-TTY output
 * as a full redraw of every bar on a timer (and needs a known total), while CI logs want one plain
 * line per quarter of each transfer; log-update and listr2 only cover the TTY side. Both modes share
 * the line format below, which is most of the work anyway.
 */
import type { TransferProgress } from "../../models/progress.js";
import { formatBytes } from "../../util/formatBytes.js";
import { formatDuration } from "./formatDuration.js";
import { createLiveLines } from "./createLiveLines.js";

/** Where progress goes: any writable stream, e.g. `process.stderr`. */
export interface ProgressOutput {
  write(chunk: string): unknown;
  /** A terminal gets lines redrawn in place; anything else gets plain lines. */
  isTTY?: boolean;
  /** Terminal width; lines are cut to fit so that redrawing in place stays aligned. */
  columns?: number;
}

/** Options for {@link createProgressRenderer}. */
export interface CreateProgressRendererOptions {
  /** Default `process.stderr`, keeping progress out of piped standard output. */
  stream?: ProgressOutput;
  /** Redraw in place with ANSI codes; default `stream.isTTY`. */
  isTTY?: boolean;
  /** Clock in milliseconds for speed, ETA and durations; default `performance.now`. */
  now?: () => number;
  /** Labels of the transfers to come, so their columns line up from the first line on. */
  labels?: readonly string[];
}

/** Shows {@link TransferProgress} reports of one or more transfers on a terminal or in a log. */
export interface ProgressRenderer {
  /** Takes a report; transfers are told apart by `id`. */
  update(progress: TransferProgress): void;
  /** Draws the final state and leaves the cursor below it; later reports start afresh. */
  done(): void;
}

interface Transfer {
  progress: TransferProgress;
  startedAt: number;
  finishedAt: number | undefined;
  samples: Array<{ at: number; bytes: number }>;
  /** Quarter of the total last written as a plain line. */
  lastStep: number;
  lastPlainAt: number;
}

const BAR_WIDTH = 20;
const MAX_LABEL = 40;
// Speed over the last few seconds: steady enough to read, quick to follow a change of pace.
const SPEED_WINDOW_MS = 3_000;
const REDRAW_INTERVAL_MS = 100;
// A log line now and then shows a transfer of unknown size is still moving.
const PLAIN_UNKNOWN_INTERVAL_MS = 10_000;

/**
 * A progress display for model downloads and Ollama pulls, one line per transfer:
 * `<label>  <bar> <percent>%  <completed>/<total>  <speed>/s  eta <time>`. A transfer of unknown size
 * shows bytes and speed; one that has moved no bytes yet shows its phase (e.g. `pulling manifest`).
 *
 * On a terminal the lines are redrawn in place, at most 10 times a second. Elsewhere (CI logs, files)
 * it writes plain lines without ANSI codes: when a transfer starts, at 25%, 50% and 75%, and when it
 * finishes (`model.gguf  #################### 100%  398.6 MB in 12.3 s`).
 *
 * @example
 * const renderer = createProgressRenderer({ stream: process.stderr });
 * try {
 *   await pullOllamaModel({ baseUrl, model: "qwen2.5:1.5b", onProgress: (p) => renderer.update(p) });
 * } finally {
 *   renderer.done();
 * }
 */
export function createProgressRenderer({
  stream = process.stderr,
  isTTY = stream.isTTY === true,
  now = () => performance.now(),
  labels = [],
}: CreateProgressRendererOptions = {}): ProgressRenderer {
  const transfers = new Map<string, Transfer>();
  // Terminal mode: ids of the lines still being redrawn, top to bottom.
  let live: string[] = [];
  const screen = createLiveLines({ stream });
  let lastDrawAt = -Infinity;
  // Terminal mode: a report came in since the last redraw.
  let dirty = false;
  const announcedWidth = Math.max(0, ...labels.map((label) => cleanLabel(label).length));
  let labelWidth = announcedWidth;

  const line = (transfer: Transfer, at: number): string => {
    const { progress } = transfer;
    const label = cleanLabel(progress.label).padEnd(labelWidth);
    const total = progress.totalBytes;
    const fraction = total === undefined ? undefined : total > 0 ? Math.min(1, progress.completedBytes / total) : progress.done ? 1 : 0;
    const bar = (f: number): string => {
      const full = Math.floor(f * BAR_WIDTH);
      return (isTTY ? "█" : "#").repeat(full) + (isTTY ? "░" : "-").repeat(BAR_WIDTH - full);
    };
    if (transfer.finishedAt !== undefined) {
      const took = `in ${formatDuration(transfer.finishedAt - transfer.startedAt)}`;
      return total === undefined
        ? `${label}  ${formatBytes(progress.completedBytes)} ${took}`
        : `${label}  ${bar(1)} 100%  ${formatBytes(total)} ${took}`;
    }
    const speed = speedOf(transfer, at);
    const rate = speed === undefined ? "" : `  ${formatBytes(speed)}/s`;
    if (total === undefined || fraction === undefined) {
      if (progress.completedBytes === 0 && progress.phase) return `${label}  ${progress.phase}`;
      return `${label}  ${formatBytes(progress.completedBytes)}${rate}`;
    }
    const head = `${label}  ${bar(fraction)} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatBytes(progress.completedBytes)}/${formatBytes(total)}`;
    // Every byte is in but the transfer is not done: the phase says what it waits for (verifying...).
    if (progress.completedBytes >= total && progress.phase) return `${head}  ${progress.phase}`;
    if (speed === undefined || speed <= 0) return head;
    return `${head}${rate}  eta ${formatDuration(((total - progress.completedBytes) / speed) * 1000)}`;
  };

  const redraw = (at: number): void => {
    labelWidth = Math.max(announcedWidth, ...live.map((id) => cleanLabel(transfers.get(id)?.progress.label ?? "").length));
    const shown = live.flatMap((id) => {
      const transfer = transfers.get(id);
      return transfer ? [line(transfer, at)] : [];
    });
    if (shown.length > 0 || screen.drawn > 0) screen.draw(shown);
    // Finished lines at the top are final: leave them above the region still being redrawn.
    while (live.length > 0 && transfers.get(live[0] ?? "")?.finishedAt !== undefined) {
      live = live.slice(1);
      screen.keep(1);
    }
    lastDrawAt = at;
    dirty = false;
  };

  const plain = (transfer: Transfer, at: number): void => {
    labelWidth = Math.max(labelWidth, cleanLabel(transfer.progress.label).length);
    transfer.lastPlainAt = at;
    stream.write(`${line(transfer, at)}\n`);
  };

  return {
    update(progress) {
      const at = now();
      const previous = transfers.get(progress.id);
      // A finished id that reports again is a new transfer (the same model pulled a second time).
      const fresh = previous === undefined || (previous.finishedAt !== undefined && !progress.done);
      if (!fresh && previous.finishedAt !== undefined) return;
      const transfer: Transfer = fresh
        ? { progress, startedAt: at, finishedAt: undefined, samples: [], lastStep: 0, lastPlainAt: at }
        : { ...previous, progress };
      transfer.samples.push({ at, bytes: progress.completedBytes });
      while (transfer.samples.length > 2 && (transfer.samples[1]?.at ?? at) <= at - SPEED_WINDOW_MS) transfer.samples.shift();
      if (progress.done) transfer.finishedAt = at;
      transfers.set(progress.id, transfer);

      if (isTTY) {
        if (fresh) live = [...live.filter((id) => id !== progress.id), progress.id];
        dirty = true;
        const structural = fresh || progress.done === true || progress.phase !== previous?.progress.phase;
        if (structural || at - lastDrawAt >= REDRAW_INTERVAL_MS) redraw(at);
        return;
      }
      const step = quarter(progress);
      if (fresh || progress.done) {
        transfer.lastStep = step;
        plain(transfer, at);
      } else if (
        progress.totalBytes === undefined ? at - transfer.lastPlainAt >= PLAIN_UNKNOWN_INTERVAL_MS : step > transfer.lastStep && step < 4
      ) {
        transfer.lastStep = Math.max(transfer.lastStep, step);
        plain(transfer, at);
      }
    },
    done() {
      if (isTTY && dirty) redraw(now());
      transfers.clear();
      live = [];
      screen.keep(screen.drawn);
      labelWidth = announcedWidth;
      lastDrawAt = -Infinity;
      dirty = false;
    },
  };
}

/** Bytes per second over the last {@link SPEED_WINDOW_MS}; undefined until two reports are apart in time. */
function speedOf({ samples }: Transfer, at: number): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at <= first.at) return undefined;
  // A transfer that stopped reporting slows down on screen instead of keeping its last speed.
  return ((last.bytes - first.bytes) / (Math.max(at, last.at) - first.at)) * 1000;
}

/** 0 to 4: how many quarters of the total are done (0 while the total is unknown). */
function quarter({ completedBytes, totalBytes }: TransferProgress): number {
  if (totalBytes === undefined || totalBytes <= 0) return 0;
  return Math.min(4, Math.floor((completedBytes / totalBytes) * 4));
}

// Control characters in a label would move the cursor or clear lines on their own.
function cleanLabel(label: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what this removes
  const text = label.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}
