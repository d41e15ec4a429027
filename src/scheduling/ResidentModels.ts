import type { ProblemModel, ProblemWorker } from "./types.js";

/**
 * The models resident on one worker, under the rule every schedule is executed with: loading a model
 * evicts the least recently used others until the worker is within its capacity and memory. Serving a
 * model counts as using it.
 *
 * @example
 * const resident = new ResidentModels({ worker, models });
 * resident.load(2); // [] (nothing evicted)
 * resident.has(2); // true
 */
export class ResidentModels {
  readonly #worker: ProblemWorker;
  readonly #models: readonly ProblemModel[];
  // Least recently used first.
  #order: number[] = [];

  constructor({ worker, models }: { worker: ProblemWorker; models: readonly ProblemModel[] }) {
    this.#worker = worker;
    this.#models = models;
  }

  has(model: number): boolean {
    return this.#order.includes(model);
  }

  /** Models resident now, least recently used first. */
  get models(): readonly number[] {
    return this.#order;
  }

  /** Marks a resident model as just used (a prompt served); a model not resident stays so. */
  use(model: number): void {
    if (this.has(model)) this.#touch(model);
  }

  /** Loads a model (or refreshes one already resident) and returns the models evicted to make room. */
  load(model: number): number[] {
    this.#touch(model);
    const evicted: number[] = [];
    while (this.#order.length > 1 && (this.#order.length > this.#worker.capacity || this.#overMemory())) evicted.push(this.#order.shift()!);
    return evicted;
  }

  #touch(model: number): void {
    const at = this.#order.indexOf(model);
    if (at >= 0) this.#order.splice(at, 1);
    this.#order.push(model);
  }

  #overMemory(): boolean {
    const limit = this.#worker.memoryGb;
    if (limit === undefined) return false;
    return this.#order.reduce((sum, m) => sum + (this.#models[m]!.memoryGb ?? 0), 0) > limit;
  }
}
