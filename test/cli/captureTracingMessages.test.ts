import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { captureTracingMessages } from "../../src/cli/captureTracingMessages.js";

type Target = Pick<Console, "warn" | "error">;

/** A console that records what reaches it. */
function fakeConsole(): Target & { printed: string[] } {
  const printed: string[] = [];
  return {
    printed,
    warn: (...args: unknown[]) => void printed.push(args.join(" ")),
    error: (...args: unknown[]) => void printed.push(args.join(" ")),
  };
}

/** A module that sits where the LangSmith client's files do and prints as the client does. */
async function langsmithLikeModule(): Promise<{ complain: (target: Target) => void }> {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "moa-capture-")), "node_modules", "langsmith");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "client.mjs");
  writeFileSync(file, 'export function complain(target) { target.error("Error exporting batch:", new Error("Received status [401]")); }\n');
  return (await import(pathToFileURL(file).href)) as { complain: (target: Target) => void };
}

describe("captureTracingMessages", () => {
  it("holds back what the LangSmith client prints, formatted as it would have been", async () => {
    const target = fakeConsole();
    const messages = captureTracingMessages({ target });
    (await langsmithLikeModule()).complain(target);
    expect(target.printed).toEqual([]);
    expect(messages.taken()).toHaveLength(1);
    expect(messages.taken()[0]).toMatch(/^Error exporting batch: Error: Received status \[401\]\n\s+at /);
  });

  it("lets every other caller's messages through", () => {
    const target = fakeConsole();
    const messages = captureTracingMessages({ target });
    target.warn("a warning of our own");
    expect({ printed: target.printed, taken: messages.taken() }).toEqual({ printed: ["a warning of our own"], taken: [] });
  });

  it("puts the console methods back on restore", () => {
    const target = fakeConsole();
    const { warn, error } = target;
    captureTracingMessages({ target }).restore();
    expect({ warn: target.warn, error: target.error }).toEqual({ warn, error });
  });
});
