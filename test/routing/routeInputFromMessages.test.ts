import { describe, expect, it } from "vitest";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { routeInputFromMessages } from "../../src/routing/index.js";

const history = [
  new SystemMessage("be helpful"),
  new HumanMessage("I ordered a lamp"),
  new AIMessage("Thanks, order 42 is on its way."),
  new ToolMessage({ content: "tracking: in transit", tool_call_id: "t1" }),
  new HumanMessage("and how much was it?"),
];

describe("routeInputFromMessages", () => {
  it("takes the latest user message as the text, without context by default", () => {
    expect(routeInputFromMessages(history)).toEqual({ text: "and how much was it?" });
  });

  it("adds the earlier user and assistant messages as role-prefixed lines", () => {
    expect(routeInputFromMessages(history, { conversationMessages: 5 }).conversation).toBe(
      "user: I ordered a lamp\nassistant: Thanks, order 42 is on its way.",
    );
  });

  it("keeps only the last conversationMessages of them", () => {
    expect(routeInputFromMessages(history, { conversationMessages: 1 }).conversation).toBe("assistant: Thanks, order 42 is on its way.");
  });

  it("ignores messages after the latest user message", () => {
    expect(routeInputFromMessages([...history, new AIMessage("It was 30 EUR.")]).text).toBe("and how much was it?");
  });

  it("cuts long context messages", () => {
    const long = [new HumanMessage("x".repeat(50)), new HumanMessage("now")];
    expect(routeInputFromMessages(long, { conversationMessages: 1, maxCharsPerMessage: 10 }).conversation).toBe(`user: ${"x".repeat(9)}…`);
  });

  it("gives empty text when there is no user message", () => {
    expect(routeInputFromMessages([new SystemMessage("hi")])).toEqual({ text: "" });
  });
});
