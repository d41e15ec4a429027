import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readPrompts } from "../../../src/scheduling/profile/readPrompts.js";

const dir = mkdtempSync(path.join(tmpdir(), "moa-prompts-"));
const file = (name: string, text: string): string => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

describe("readPrompts", () => {
  it("reads one prompt per line, skipping blank lines", () => {
    expect(readPrompts({ file: file("a.txt", "Why is the sky blue?\n\n  Write a haiku  \n") })).toEqual([
      "Why is the sky blue?",
      "Write a haiku",
    ]);
  });

  it("reads JSONL with a prompt on every line", () => {
    expect(readPrompts({ file: file("b.jsonl", '{"prompt": "one"}\n{"prompt": "two", "id": 2}\n') })).toEqual(["one", "two"]);
  });

  it("names the line of a JSONL record without a prompt", () => {
    expect(() => readPrompts({ file: file("c.jsonl", '{"prompt": "one"}\n{"text": "two"}\n') })).toThrow(
      /line 2\.prompt: expected a non-empty string/,
    );
  });

  it("refuses an empty file", () => {
    expect(() => readPrompts({ file: file("d.txt", "\n\n") })).toThrow(/no prompts/);
  });

  it("says when the file does not exist", () => {
    expect(() => readPrompts({ file: path.join(dir, "missing.txt") })).toThrow(/missing\.txt: file not found/);
  });
});
