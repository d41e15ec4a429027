import { describe, expect, it } from "vitest";
import { ANSWER_MAX_CHARS, answerCharLimit, RESPONSE_MAX_BYTES, responseByteLimit } from "../../src/models/answerLimits.js";

describe("answer limits", () => {
  it("grow with maxTokens between a floor and a hard ceiling", () => {
    expect(answerCharLimit(1024)).toBe(16_384);
    expect(answerCharLimit(8)).toBe(1024);
    expect(answerCharLimit(1_000_000)).toBe(ANSWER_MAX_CHARS);
    expect(responseByteLimit(1024)).toBe(2 * 1024 * 1024);
    expect(responseByteLimit(1_000_000)).toBe(RESPONSE_MAX_BYTES);
  });
});
