import path from "node:path";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { dataDir, defaultDbPath } from "../../src/persistence/dataDir.js";

describe("dataDir", () => {
  it("prefers MOA_HOME", () => {
    expect(dataDir({ MOA_HOME: "/srv/moa" }, "linux")).toBe(path.resolve("/srv/moa"));
  });

  it("follows XDG on Linux", () => {
    expect(dataDir({ XDG_DATA_HOME: "/data" }, "linux")).toBe(path.join("/data", "langgraph-moa"));
    expect(dataDir({}, "linux")).toBe(path.join(os.homedir(), ".local", "share", "langgraph-moa"));
  });

  it("uses the platform folders on macOS and Windows", () => {
    expect(dataDir({}, "darwin")).toBe(path.join(os.homedir(), "Library", "Application Support", "langgraph-moa"));
    expect(dataDir({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "win32")).toBe(
      path.join("C:\\Users\\u\\AppData\\Roaming", "langgraph-moa"),
    );
  });

  it("keeps the run database in the data folder", () => {
    expect(defaultDbPath({ MOA_HOME: "/srv/moa" })).toBe(path.join(path.resolve("/srv/moa"), "runs.sqlite"));
  });
});
