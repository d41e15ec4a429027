import { afterEach, describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { startOllamaDouble, type OllamaDouble } from "./ollamaDouble.js";

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const caught = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.unreachable("the call should fail"),
    (error: unknown) => error,
  );

describe("Ollama double failFirst", () => {
  it("fails the first N calls with 500, then answers", async () => {
    double = await startOllamaDouble({ models: { m: { reply: "ok", failFirst: 2 } } });
    const model = new ChatOllama({ model: "m", baseUrl: double.url, maxRetries: 0 });
    expect(await caught(model.invoke("hi"))).toMatchObject({ status_code: 500 });
    expect(await caught(model.invoke("hi"))).toMatchObject({ status_code: 500 });
    expect((await model.invoke("hi")).text).toBe("ok");
    expect(double.calls.map((c) => [c.status, c.outcome])).toEqual([
      [500, "failedFirst"],
      [500, "failedFirst"],
      [200, "ok"],
    ]);
  });

  it("sends failureStatus and the Retry-After header", async () => {
    double = await startOllamaDouble({ models: { m: { failFirst: 1, failureStatus: 429, retryAfter: "3" } } });
    const response = await fetch(`${double.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect([response.status, response.headers.get("retry-after")]).toEqual([429, "3"]);
    await response.body?.cancel();
  });

  it("starts counting again when a new behaviour is set", async () => {
    double = await startOllamaDouble({ models: { m: { failFirst: 1 } } });
    const model = new ChatOllama({ model: "m", baseUrl: double.url, maxRetries: 0 });
    await caught(model.invoke("hi"));
    double.setBehavior("m", { reply: "again", failFirst: 1 });
    expect(await caught(model.invoke("hi"))).toMatchObject({ status_code: 500 });
  });
});
