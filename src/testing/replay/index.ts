export { ReplayChatModel, type ReplayChatModelInput, type ReplayFromJsonlOptions, type ReplayRecord } from "./ReplayChatModel.js";
export { ReplayMissError } from "./ReplayMissError.js";
export { replayRecordsFromJsonl, type ReplayJsonlFields } from "./replayRecordsFromJsonl.js";
export { readJsonl, type JsonlLine } from "./readJsonl.js";
