import { afterEach, describe, expect, it } from "vitest";
import { createProgressRenderer, type ProgressRenderer } from "../../../src/cli/progress/createProgressRenderer.js";
import { formatBytes } from "../../../src/util/formatBytes.js";
import { formatDuration } from "../../../src/cli/progress/formatDuration.js";
import { pullOllamaModel } from "../../../src/models/index.js";
import type { TransferProgress } from "../../../src/models/progress.js";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";

const ESC = "\x1b";

/** A renderer writing into an array, on a clock the test moves. */
function harness(options: { isTTY: boolean; columns?: number }): {
  out: string[];
  renderer: ProgressRenderer;
  at: (ms: number) => void;
  text: () => string;
} {
  let t = 0;
  const out: string[] = [];
  const stream = { write: (chunk: string) => void out.push(chunk), ...(options.columns !== undefined ? { columns: options.columns } : {}) };
  const renderer = createProgressRenderer({ stream, isTTY: options.isTTY, now: () => t });
  return { out, renderer, at: (ms) => void (t = ms), text: () => out.join("") };
}

describe("formatBytes and formatDuration", () => {
  it("formatBytes uses decimal units with one decimal, whole bytes below 1 KB", () => {
    const cases: Array<[number, string]> = [
      [0, "0 B"],
      [999, "999 B"],
      [1000, "1.0 KB"],
      [1536, "1.5 KB"],
      [999_960, "1.0 MB"],
      [398_600_000, "398.6 MB"],
      [4_200_000_000, "4.2 GB"],
      [3.5e12, "3.5 TB"],
      [Number.NaN, "? B"],
    ];
    expect(cases.map(([n]) => formatBytes(n))).toEqual(cases.map(([, s]) => s));
  });

  it("formatDuration: tenths of seconds under a minute, then m/s, then h/m", () => {
    const cases: Array<[number, string]> = [
      [0, "0.0 s"],
      [12_345, "12.3 s"],
      [59_960, "1m 00s"],
      [125_000, "2m 05s"],
      [3_599_600, "1h 00m"],
      [7_380_000, "2h 03m"],
      [Number.POSITIVE_INFINITY, "--"],
    ];
    expect(cases.map(([ms]) => formatDuration(ms))).toEqual(cases.map(([, s]) => s));
  });
});

describe("createProgressRenderer without a terminal", () => {
  it("writes a plain line at the start, at each 25% step and at the end, with speed over the last 3 s and an ETA", () => {
    const { renderer, at, text } = harness({ isTTY: false });
    const id = "cache/qwen.gguf";
    const label = "qwen2.5-0.5b-instruct-q4_k_m.gguf";
    const totalBytes = 398_600_000;
    for (let second = 0; second <= 12; second++) {
      at(second * 1000);
      renderer.update({ id, label, completedBytes: Math.min(totalBytes, second * 35_000_000), totalBytes, phase: "downloading" });
    }
    at(12_300);
    renderer.update({ id, label, completedBytes: totalBytes, totalBytes, done: true });
    renderer.done();
    expect(text()).toBe(
      [
        "qwen2.5-0.5b-instruct-q4_k_m.gguf  --------------------   0%  0 B/398.6 MB",
        "qwen2.5-0.5b-instruct-q4_k_m.gguf  #####---------------  26%  105.0 MB/398.6 MB  35.0 MB/s  eta 8.4 s",
        "qwen2.5-0.5b-instruct-q4_k_m.gguf  ##########----------  52%  210.0 MB/398.6 MB  35.0 MB/s  eta 5.4 s",
        "qwen2.5-0.5b-instruct-q4_k_m.gguf  ###############-----  79%  315.0 MB/398.6 MB  35.0 MB/s  eta 2.4 s",
        "qwen2.5-0.5b-instruct-q4_k_m.gguf  #################### 100%  398.6 MB in 12.3 s",
        "",
      ].join("\n"),
    );
  });

  it("a transfer of unknown size shows its phase, then bytes and speed every 10 s, then bytes and time", () => {
    const { renderer, at, text } = harness({ isTTY: false });
    const report = (completedBytes: number, extra: Partial<TransferProgress> = {}): void =>
      renderer.update({ id: "s", label: "stream.bin", completedBytes, phase: "connecting", ...extra });
    report(0);
    for (let second = 1; second <= 10; second++) {
      at(second * 1000);
      report(second * 5_000_000);
    }
    at(11_000);
    report(55_000_000, { done: true });
    expect(text()).toBe(["stream.bin  connecting", "stream.bin  50.0 MB  5.0 MB/s", "stream.bin  55.0 MB in 11.0 s", ""].join("\n"));
  });

  it("keeps two concurrent transfers apart, padding labels to the longest seen", () => {
    const { renderer, at, text } = harness({ isTTY: false });
    const a = (completedBytes: number, done = false): void =>
      renderer.update({ id: "a", label: "a.gguf", completedBytes, totalBytes: 1_000_000, done });
    const b = (completedBytes: number, done = false): void =>
      renderer.update({ id: "b", label: "bigger-model.gguf", completedBytes, totalBytes: 4_000_000, done });
    a(0);
    b(0);
    at(1000);
    a(300_000);
    b(400_000);
    at(2000);
    a(1_000_000);
    b(1_200_000);
    at(2500);
    a(1_000_000, true);
    at(3000);
    b(2_400_000);
    at(4000);
    b(4_000_000);
    at(4200);
    b(4_000_000, true);
    renderer.done();
    expect(text()).toBe(
      [
        "a.gguf  --------------------   0%  0 B/1.0 MB",
        "bigger-model.gguf  --------------------   0%  0 B/4.0 MB",
        "a.gguf             ######--------------  30%  300.0 KB/1.0 MB  300.0 KB/s  eta 2.3 s",
        "bigger-model.gguf  ######--------------  30%  1.2 MB/4.0 MB  600.0 KB/s  eta 4.7 s",
        "a.gguf             #################### 100%  1.0 MB in 2.5 s",
        "bigger-model.gguf  ############--------  60%  2.4 MB/4.0 MB  800.0 KB/s  eta 2.0 s",
        "bigger-model.gguf  #################### 100%  4.0 MB in 4.2 s",
        "",
      ].join("\n"),
    );
  });

  it("shows an Ollama pull from the loopback double: manifest phase first, one finish line, no ANSI codes", async () => {
    const double: OllamaDouble = await startOllamaDouble({ pullable: { "qwen2.5:1.5b": 986_000_000 } });
    try {
      const out: string[] = [];
      const renderer = createProgressRenderer({ stream: { write: (chunk: string) => void out.push(chunk) }, isTTY: false });
      await pullOllamaModel({ baseUrl: double.url, model: "qwen2.5:1.5b", onProgress: (p) => renderer.update(p) });
      renderer.done();
      const lines = out.join("").trimEnd().split("\n");
      expect(lines[0]).toBe("qwen2.5:1.5b  pulling manifest");
      expect(lines.at(-1)).toMatch(/^qwen2\.5:1\.5b {2}#{20} 100% {2}986\.0 MB in \d+\.\d s$/);
      expect(lines.filter((l) => l.includes(" 100% "))).toHaveLength(1);
      expect(out.join("")).not.toContain(ESC);
    } finally {
      await double.close();
    }
  });
});

describe("createProgressRenderer on a terminal", () => {
  const line = (text: string): string => `\r${ESC}[2K${text}\n`;
  const up = (n: number): string => `${ESC}[${n}A`;
  let h: ReturnType<typeof harness>;
  afterEach(() => h.renderer.done());

  it("redraws lines in place with cursor-up and clear-line codes, at most every 100 ms unless a line starts, ends or changes phase", () => {
    h = harness({ isTTY: true, columns: 200 });
    const { renderer, at, out } = h;
    const x = (completedBytes: number, extra: Partial<TransferProgress> = {}): void =>
      renderer.update({ id: "x", label: "llama3.2", completedBytes, totalBytes: 2_000_000_000, phase: "pulling dde5aa3fc5ff", ...extra });

    renderer.update({ id: "x", label: "llama3.2", completedBytes: 0, phase: "pulling manifest" });
    expect(out).toEqual([line("llama3.2  pulling manifest")]);

    at(10);
    x(0);
    expect(out[1]).toBe(up(1) + line("llama3.2  ░░░░░░░░░░░░░░░░░░░░   0%  0 B/2.0 GB"));

    for (let ms = 20; ms < 110; ms += 10) {
      at(ms);
      x(ms * 1_000_000);
    }
    expect(out).toHaveLength(2); // throttled: under 100 ms since the last redraw
    at(110);
    x(200_000_000);
    expect(out).toHaveLength(3);
    expect(out[2]).toMatch(
      new RegExp(`^${ESC}\\[1A\\r${ESC}\\[2Kllama3\\.2  ██░{18}  10%  200\\.0 MB/2\\.0 GB  [\\d.]+ GB/s  eta [\\d.]+ s\\n$`),
    );

    at(120);
    renderer.update({ id: "y", label: "tiny.gguf", completedBytes: 0, totalBytes: 1_000 });
    expect(out[3]?.startsWith(up(1))).toBe(true);
    expect(out[3]?.endsWith(line("tiny.gguf  ░░░░░░░░░░░░░░░░░░░░   0%  0 B/1.0 KB"))).toBe(true);

    at(130);
    renderer.update({ id: "y", label: "tiny.gguf", completedBytes: 1_000, totalBytes: 1_000, done: true });
    expect(out[4]?.startsWith(up(2))).toBe(true);
    expect(out[4]?.endsWith(line("tiny.gguf  ████████████████████ 100%  1.0 KB in 0.0 s"))).toBe(true);

    at(140);
    x(2_000_000_000, { phase: "verifying sha256 digest" });
    expect(out[5]).toContain("llama3.2   ████████████████████ 100%  2.0 GB/2.0 GB  verifying sha256 digest\n");
    at(150);
    x(2_000_000_000, { phase: "success", done: true });
    expect(out[6]?.startsWith(up(2))).toBe(true);
    expect(out[6]).toContain(line("llama3.2   ████████████████████ 100%  2.0 GB in 0.2 s"));

    // Finished lines at the top stay where they are; the next transfer draws below them.
    at(160);
    renderer.update({ id: "z", label: "z", completedBytes: 0, totalBytes: 10 });
    expect(out[7]).toBe(line("z  ░░░░░░░░░░░░░░░░░░░░   0%  0 B/10 B"));
    renderer.done();
    expect(out).toHaveLength(8); // nothing new to draw
  });

  it("done() draws a report the throttle held back, and cuts lines to the terminal width", () => {
    h = harness({ isTTY: true, columns: 30 });
    const { renderer, at, out } = h;
    renderer.update({ id: "m", label: "model.gguf", completedBytes: 0, totalBytes: 1_000 });
    at(50);
    renderer.update({ id: "m", label: "model.gguf", completedBytes: 500, totalBytes: 1_000 });
    expect(out).toHaveLength(1);
    renderer.done();
    expect(out).toHaveLength(2);
    expect(out[1]).toBe(`${up(1)}\r${ESC}[2Kmodel.gguf  ██████████░░░░░░░\n`);
    const afterClear = new RegExp(`^[\\s\\S]*${ESC}\\[2K`);
    for (const chunk of out)
      for (const drawn of chunk.split("\n").slice(0, -1)) expect(drawn.replace(afterClear, "").length).toBeLessThan(30);
  });
});

describe("announced labels", () => {
  it("line up every transfer's columns from the first line on", () => {
    const lines: string[] = [];
    const renderer = createProgressRenderer({
      stream: { write: (text: string) => lines.push(text) },
      isTTY: false,
      now: () => 0,
      labels: ["short.gguf", "a-much-longer-name.gguf"],
    });
    renderer.update({ id: "a", label: "short.gguf", completedBytes: 0, totalBytes: 1000 });
    renderer.update({ id: "a", label: "short.gguf", completedBytes: 1000, totalBytes: 1000, done: true });
    renderer.update({ id: "b", label: "a-much-longer-name.gguf", completedBytes: 0, totalBytes: 1000 });
    renderer.done();
    const barColumns = lines
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.search(/[#-]{20}/));
    expect(barColumns).toHaveLength(3);
    expect(new Set(barColumns)).toEqual(new Set(["a-much-longer-name.gguf  ".length]));
  });
});
