import { describe, expect, it } from "vitest";
import { ResidentModels } from "../../src/scheduling/ResidentModels.js";
import type { ProblemModel, ProblemWorker } from "../../src/scheduling/types.js";

const worker = (capacity: number, memoryGb?: number): ProblemWorker => ({ name: "w", capacity, memoryGb, speed: 1, endpoint: undefined });
const model = (memoryGb?: number): ProblemModel => ({
  name: "m",
  model: "m",
  loadSeconds: [1],
  service: { kind: "constant", meanSeconds: 1 },
  meanServiceSeconds: 1,
  memoryGb,
  maxReplicas: 1,
  fitsOn: [0],
});

describe("ResidentModels", () => {
  it("evicts the least recently used model when over capacity, counting a serve as a use", () => {
    const resident = new ResidentModels({ worker: worker(2), models: [model(), model(), model()] });
    resident.load(0);
    resident.load(1);
    resident.use(0);
    resident.load(2);
    expect([resident.has(0), resident.has(1), resident.has(2)]).toEqual([true, false, true]);
  });

  it("evicts for memory even below the capacity, never the model just loaded", () => {
    const resident = new ResidentModels({ worker: worker(4, 30), models: [model(20), model(20)] });
    resident.load(0);
    resident.load(1);
    expect([resident.has(0), resident.has(1)]).toEqual([false, true]);
  });
});
