import { describe, expect, it } from "vitest";
import { wrapWords } from "../../src/util/wrapWords.js";

describe("wrapWords", () => {
  it("breaks at spaces so no line is wider than the width", () => {
    expect(wrapWords({ text: "a long reason that does not fit", width: 12 })).toEqual(["a long", "reason that", "does not fit"]);
  });

  it("keeps a word longer than the width whole, on its own line", () => {
    expect(wrapWords({ text: "see http://127.0.0.1:11434/api/tags now", width: 10 })).toEqual([
      "see",
      "http://127.0.0.1:11434/api/tags",
      "now",
    ]);
  });
});
