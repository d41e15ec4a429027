import { AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { toLlamaChat } from "../../../../../src/models/providers/llamacpp/runtime/messages.js";

describe("toLlamaChat", () => {
  it("uses the last human message as the prompt and keeps earlier turns in order", () => {
    const { history, prompt } = toLlamaChat([
      new SystemMessage("sys"),
      new HumanMessage("q1"),
      new AIMessage("a1"),
      new HumanMessage("q2"),
    ]);

    expect(prompt).toBe("q2");
    expect(history).toEqual([
      { type: "system", text: "sys" },
      { type: "user", text: "q1" },
      { type: "model", response: ["a1"] },
    ]);
  });

  it("adds no system prompt when the conversation has none", () => {
    expect(toLlamaChat([new HumanMessage("hi")]).history).toEqual([]);
  });

  it("answers after an empty user turn when the last message is not human", () => {
    const { history, prompt } = toLlamaChat([new SystemMessage("sys")]);

    expect(prompt).toBe("");
    expect(history).toEqual([{ type: "system", text: "sys" }]);
  });

  it("maps generic roles and tool results", () => {
    const { history } = toLlamaChat([
      new ChatMessage("be nice", "system"),
      new ChatMessage("hello", "assistant"),
      new ToolMessage({ content: "42", tool_call_id: "t1" }),
      new HumanMessage("and?"),
    ]);

    expect(history.map((item) => item.type)).toEqual(["system", "model", "user"]);
  });

  it("flattens content blocks to text", () => {
    const { prompt } = toLlamaChat([
      new HumanMessage({
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }),
    ]);

    expect(prompt).toBe("ab");
  });
});
