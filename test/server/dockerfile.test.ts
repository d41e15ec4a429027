import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const cli = path.join(root, "node_modules/@langchain/langgraph-cli/dist/cli/cli.mjs");

describe("the Agent Server image built from langgraph.json", () => {
  it("serves every graph and the HTTP app of langgraph.json", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "moa-dockerfile-")), "Dockerfile");
    await promisify(execFile)(process.execPath, [cli, "dockerfile", "-c", "langgraph.json", out], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANGSMITH_TRACING: "false" },
    });
    const dockerfile = readFileSync(out, "utf8");
    const config = JSON.parse(readFileSync(path.join(root, "langgraph.json"), "utf8")) as {
      graphs: Record<string, string>;
      http: { app: string };
      node_version: string;
    };
    const graphs = JSON.parse(/^ENV LANGSERVE_GRAPHS='(.*)'$/m.exec(dockerfile)?.[1] ?? "{}") as Record<string, string>;
    expect(graphs).toEqual(config.graphs);
    const http = JSON.parse(/^ENV LANGGRAPH_HTTP='(.*)'$/m.exec(dockerfile)?.[1] ?? "{}") as { app?: string };
    expect(http.app).toBe(config.http.app);
    expect(dockerfile).toMatch(new RegExp(`^FROM langchain/langgraphjs-api:${config.node_version}$`, "m"));
    expect(dockerfile).toContain("RUN npm ci");
  });
});
