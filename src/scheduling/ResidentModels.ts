import type { ProblemModel, ProblemWorker } from "./types.js";

/** Options of {@link ResidentModels}. */
export interface ResidentModelsOptions {
  worker: ProblemWorker;
  models: readonly ProblemModel[];
}

/**
 * The models resident on one worker under the execution rules of `types.ts`: a load makes a model
 * resident and evicts the least recently used others while the worker is over its capacity or memory;
 * serving a prompt counts as a use.
 *
 * @example
 * const resident = new ResidentModels({ worker: problem.workers[0], models: problem.models });
 * resident.load(2);
 * resident.has(2); // true
 */
export class ResidentModels {
  readonly #worker: ProblemWorker;
  readonly #models: readonly ProblemModel[];
  /** Least recently used first. */
  readonly #order: number[] = [];

  constructor({ worker, models }: ResidentModelsOptions) {
    this.#worker = worker;
    this.#models = models;
  }

  /** Whether `model` is resident now. */
  has(model: number): boolean {
    return this.#order.includes(model);
  }

  /** Loads `model`, evicting the least recently used others as needed. */
  load(model: number): void {
    this.#touch(model);
    while (this.#order.length > 1 && this.#overfull()) this.#order.shift();
  }

  /** Marks `model` as just used (a prompt served). */
  use(model: number): void {
    if (this.has(model)) this.#touch(model);
  }

  #touch(model: number): void {
    const at = this.#order.indexOf(model);
    if (at >= 0) this.#order.splice(at, 1);
    this.#order.push(model);
  }

  #overfull(): boolean {
    if (this.#order.length > this.#worker.capacity) return true;
    const limit = this.#worker.memoryGb;
    if (limit === undefined) return false;
    const used = this.#order.reduce((sum, m) => sum + (this.#models[m]!.memoryGb ?? 0), 0);
    return used > limit;
  }
}
