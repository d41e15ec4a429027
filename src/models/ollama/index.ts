/**
 * Managing the models of an Ollama server: finding which ones it lacks and pulling them with progress.
 *
 * @example
 * import { missingOllamaModels, pullOllamaModel } from "./models/ollama/index.js";
 * const baseUrl = "http://127.0.0.1:11434";
 * for (const model of await missingOllamaModels({ baseUrl, models: ["llama3.2"] })) await pullOllamaModel({ baseUrl, model });
 */
export { missingOllamaModels, type MissingOllamaModelsOptions } from "./missingOllamaModels.js";
export { OllamaPullError, pullOllamaModel, type PullOllamaModelOptions } from "./pullOllamaModel.js";
