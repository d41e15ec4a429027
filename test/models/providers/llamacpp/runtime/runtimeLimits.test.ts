import { afterEach, describe, expect, it } from "vitest";
import { cgroupRoom } from "../../../../../src/models/providers/llamacpp/runtime/availableMemory.js";
import { formatMemorySize, parseByteSize } from "../../../../../src/models/providers/llamacpp/runtime/byteSize.js";
import { ChangeNotifier } from "../../../../../src/models/providers/llamacpp/runtime/ChangeNotifier.js";
import { planRoom, type RoomCandidate } from "../../../../../src/models/providers/llamacpp/runtime/planRoom.js";
import {
  checkLlamaEnvironment,
  DEFAULT_MAX_LOADED_MODELS,
  effectiveRuntimeConfig,
  llamaGpuSetting,
  setRuntimeConfig,
} from "../../../../../src/models/providers/llamacpp/runtime/runtimeConfig.js";

// Pure parts of the runtime's limits: no model is loaded here.

const MB = 1024 ** 2;
const model = (name: string, bytes: number, idle: boolean): RoomCandidate & { name: string } => ({ name, bytes, idle });

afterEach(() => setRuntimeConfig({ maxLoadedModels: null, memoryLimitBytes: null }));

describe("planRoom", () => {
  const base = { neededBytes: 100 * MB, freeBytes: 1000 * MB, addsModel: true, maxLoadedModels: 2 };

  it("goes ahead without unloading when a slot and memory are free", () => {
    expect(planRoom({ ...base, loadedCount: 1, others: [model("a", 50 * MB, true)] })).toEqual({ kind: "now", evict: [] });
  });

  it("unloads the least recently used idle model when the slots are full", () => {
    const others = [model("old", 50 * MB, true), model("new", 50 * MB, true)];
    const plan = planRoom({ ...base, loadedCount: 2, others });
    expect(plan.kind === "now" && plan.evict.map((m) => m.name)).toEqual(["old"]);
  });

  it("skips busy models and unloads the next idle one", () => {
    const others = [model("busy", 50 * MB, false), model("idle", 50 * MB, true)];
    const plan = planRoom({ ...base, loadedCount: 2, others });
    expect(plan.kind === "now" && plan.evict.map((m) => m.name)).toEqual(["idle"]);
  });

  it("waits when only busy models hold the slots", () => {
    expect(planRoom({ ...base, loadedCount: 2, others: [model("a", 1, false), model("b", 1, false)] })).toEqual({ kind: "wait" });
  });

  it("unloads as many idle models as memory needs, oldest first", () => {
    const others = [model("a", 40 * MB, true), model("b", 40 * MB, true), model("c", 40 * MB, true)];
    const plan = planRoom({ ...base, maxLoadedModels: 10, freeBytes: 30 * MB, loadedCount: 3, others });
    expect(plan.kind === "now" && plan.evict.map((m) => m.name)).toEqual(["a", "b"]);
  });

  it("refuses when even unloading every other model would not free enough", () => {
    const plan = planRoom({ ...base, freeBytes: 30 * MB, loadedCount: 1, others: [model("a", 40 * MB, false)] });
    expect(plan).toEqual({ kind: "never", reclaimableBytes: 40 * MB });
  });

  it("waits rather than unloading idle models in vain when a busy one must go too", () => {
    const others = [model("idle", 40 * MB, true), model("busy", 40 * MB, false)];
    expect(planRoom({ ...base, maxLoadedModels: 10, freeBytes: 30 * MB, loadedCount: 2, others })).toEqual({ kind: "wait" });
  });

  it("needs no slot for a new context of a loaded model", () => {
    expect(planRoom({ ...base, addsModel: false, loadedCount: 2, others: [model("a", 1, false)] })).toEqual({ kind: "now", evict: [] });
  });
});

describe("byte sizes", () => {
  it("parses sizes with binary units, case-insensitively", () => {
    expect(parseByteSize("512MB")).toBe(512 * MB);
    expect(parseByteSize("2gb")).toBe(2 * 1024 * MB);
    expect(parseByteSize("1.5 GiB")).toBe(1.5 * 1024 * MB);
    expect(parseByteSize("1048576")).toBe(MB);
    expect(parseByteSize("64k")).toBe(64 * 1024);
    expect(parseByteSize("lots")).toBeUndefined();
    expect(parseByteSize("5 parsecs")).toBeUndefined();
  });

  it("formats bytes in the same units", () => {
    expect(formatMemorySize(900)).toBe("900 B");
    expect(formatMemorySize(512 * MB)).toBe("512 MB");
    expect(formatMemorySize(1536 * MB)).toBe("1.5 GB");
    expect(formatMemorySize(Infinity)).toBe("unlimited");
  });
});

describe("runtime config", () => {
  it("defaults to 4 models and measured memory", () => {
    expect(effectiveRuntimeConfig({})).toEqual({
      maxLoadedModels: DEFAULT_MAX_LOADED_MODELS,
      memoryLimitBytes: undefined,
      memoryLimitSource: undefined,
    });
  });

  it("reads MOA_LLAMACPP_MAX_MODELS and MOA_LLAMACPP_MEMORY_LIMIT", () => {
    const config = effectiveRuntimeConfig({ MOA_LLAMACPP_MAX_MODELS: "2", MOA_LLAMACPP_MEMORY_LIMIT: "512MB" });
    expect(config).toMatchObject({ maxLoadedModels: 2, memoryLimitBytes: 512 * MB, memoryLimitSource: "MOA_LLAMACPP_MEMORY_LIMIT=512MB" });
    expect(effectiveRuntimeConfig({ MOA_LLAMACPP_MEMORY_LIMIT: "off" }).memoryLimitBytes).toBe(Infinity);
  });

  it("rejects malformed variables, naming them", () => {
    expect(() => effectiveRuntimeConfig({ MOA_LLAMACPP_MAX_MODELS: "0" })).toThrow(/MOA_LLAMACPP_MAX_MODELS/);
    expect(() => effectiveRuntimeConfig({ MOA_LLAMACPP_MEMORY_LIMIT: "plenty" })).toThrow(/MOA_LLAMACPP_MEMORY_LIMIT.*"plenty"/);
  });

  it("reads MOA_LLAMACPP_GPU, refusing a value that is no GPU choice instead of quietly using the CPU", () => {
    expect(llamaGpuSetting({})).toBe(false);
    expect(llamaGpuSetting({ MOA_LLAMACPP_GPU: "cpu" })).toBe(false);
    expect(llamaGpuSetting({ MOA_LLAMACPP_GPU: " CUDA " })).toBe("cuda");
    expect(() => llamaGpuSetting({ MOA_LLAMACPP_GPU: "cdua" })).toThrow(
      /MOA_LLAMACPP_GPU: expected one of auto, cuda, vulkan, metal.*got "cdua"/,
    );
  });

  it("checks every variable at once, as the CLI does before any download", () => {
    expect(() => checkLlamaEnvironment({})).not.toThrow();
    expect(() => checkLlamaEnvironment({ MOA_LLAMACPP_MAX_MODELS: "many" })).toThrow(/MOA_LLAMACPP_MAX_MODELS/);
    expect(() => checkLlamaEnvironment({ MOA_LLAMACPP_GPU: "yes" })).toThrow(/MOA_LLAMACPP_GPU/);
  });

  it("programmatic settings win over the environment until reset with null", () => {
    setRuntimeConfig({ maxLoadedModels: 1, memoryLimitBytes: 64 * MB });
    expect(effectiveRuntimeConfig({ MOA_LLAMACPP_MAX_MODELS: "3" })).toMatchObject({ maxLoadedModels: 1, memoryLimitBytes: 64 * MB });
    setRuntimeConfig({ maxLoadedModels: null });
    expect(effectiveRuntimeConfig({ MOA_LLAMACPP_MAX_MODELS: "3" })).toMatchObject({ maxLoadedModels: 3, memoryLimitBytes: 64 * MB });
    expect(() => setRuntimeConfig({ maxLoadedModels: 0 })).toThrow(/maxLoadedModels/);
  });
});

describe("ChangeNotifier", () => {
  it("wakes every waiter and lets an aborted one leave", async () => {
    const changes = new ChangeNotifier();
    const controller = new AbortController();
    const first = changes.wait();
    const second = changes.wait(controller.signal);
    expect(changes.size).toBe(2);
    controller.abort(new Error("stop"));
    await expect(second).rejects.toThrow("stop");
    expect(changes.size).toBe(1);
    changes.notify();
    await expect(first).resolves.toBeUndefined();
    expect(changes.size).toBe(0);
  });
});

describe("cgroupRoom", () => {
  const files = (entries: Record<string, string>) => async (file: string) => entries[file];

  it("is the room under a cgroup v2 limit", async () => {
    const room = await cgroupRoom(files({ "/sys/fs/cgroup/memory.max": "1073741824", "/sys/fs/cgroup/memory.current": "268435456" }));
    expect(room).toEqual({ bytes: 805306368, source: "room under the cgroup memory limit (memory.max)" });
  });

  it("is absent without a limit (v2 'max', v1's huge number, or no cgroup files)", async () => {
    expect(await cgroupRoom(files({ "/sys/fs/cgroup/memory.max": "max" }))).toBeUndefined();
    expect(await cgroupRoom(files({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712" }))).toBeUndefined();
    expect(await cgroupRoom(files({}))).toBeUndefined();
  });

  it("reads a cgroup v1 limit", async () => {
    const room = await cgroupRoom(
      files({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "2147483648", "/sys/fs/cgroup/memory/memory.usage_in_bytes": "1073741824" }),
    );
    expect(room?.bytes).toBe(1073741824);
  });
});
