import type { SSEStreamingApi } from "hono/streaming";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keepStreamAlive } from "../../../src/server/openai/keepStreamAlive.js";

afterEach(() => vi.useRealTimers());

function fakeStream(): SSEStreamingApi & { written: string[] } {
  const written: string[] = [];
  return {
    aborted: false,
    closed: false,
    written,
    write: async (text: string) => (written.push(text), undefined),
  } as unknown as SSEStreamingApi & {
    written: string[];
  };
}

describe("keepStreamAlive", () => {
  it("writes an SSE comment each interval until stopped", () => {
    vi.useFakeTimers();
    const stream = fakeStream();
    const stop = keepStreamAlive(stream, 1_000);
    vi.advanceTimersByTime(3_500);
    expect(stream.written).toEqual([": keep-alive\n\n", ": keep-alive\n\n", ": keep-alive\n\n"]);
    stop();
    vi.advanceTimersByTime(5_000);
    expect(stream.written).toHaveLength(3);
  });
});
