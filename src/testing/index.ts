/**
 * `langgraph-moa/testing`: chat models for tests and evaluations without model servers. A scripted
 * model answers from a script after a delay (honouring cancellation, reporting usage); a replay model
 * answers with recorded responses (e.g. benchmark outputs of real models).
 */
export { ScriptedChatModel, type ScriptedCall, type ScriptedChatModelOptions } from "./ScriptedChatModel.js";
export * from "./replay/index.js";
