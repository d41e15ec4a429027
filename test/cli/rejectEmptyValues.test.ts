import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/runCli.js";

/**
 * An empty value is a typing slip (`--thread "$THREAD"` with the variable unset): it must stop the
 * CLI with exit 2 and name the option, never open a throwaway database or record a phantom thread.
 */
const CASES: Array<{ args: string[]; names: string }> = [
  { args: ["run", "hi", "--thread", ""], names: "--thread" },
  { args: ["run", "hi", "--db", ""], names: "--db" },
  { args: ["run", "hi", "--checkpointer", ""], names: "--checkpointer" },
  { args: ["run", "hi", "--config", ""], names: "--config" },
  { args: ["run", "hi", "--preset", " "], names: "--preset" },
  { args: ["run", "hi", "--topology", ""], names: "--topology" },
  { args: ["run", "hi", "--backend", ""], names: "--backend" },
  { args: ["resume", "", "--no-check"], names: "<thread>" },
  { args: ["resume", "t1", "--db", ""], names: "--db" },
  { args: ["show", "t1", "--checkpointer", ""], names: "--checkpointer" },
  { args: ["threads", "--db", ""], names: "--db" },
  { args: ["models", "rm", ""], names: "<name>" },
  { args: ["models", "pull", "--preset", ""], names: "--preset" },
  { args: ["validate", ""], names: "<file>" },
];

describe("empty option values", () => {
  it.concurrent.each(CASES)("moa $args exits 2 naming $names", async ({ args, names }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(names);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("counts a value of invisible characters only as empty", async () => {
    const result = await runCli(["run", "hi", "--thread", "\u200b"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--thread: the value is empty");
  });

  it("refuses control characters in a value, which would be stored and echoed to terminals", async () => {
    const result = await runCli(["run", "hi", "--thread", "t\u001b]0;title\u0007"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--thread: the value contains control characters");
    expect(result.stderr).not.toContain("\u001b");
  });

  it("lists threads as before when no value is empty", async () => {
    const result = await runCli(["threads"]);
    expect(result.code).toBe(0);
  });
});
