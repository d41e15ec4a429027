export type { AnswerExtractor, ClusterExtractor, KeyExtractor } from "./AnswerExtractor.js";
export {
  createExtractor,
  EXTRACTOR_TYPES,
  type ExtractorSpec,
  type ChoiceExtractorSpec,
  type NumberExtractorSpec,
  type ExactExtractorSpec,
  type ClusterExtractorSpec,
} from "./createExtractor.js";
export { extractChoice, choiceExtractor, DEFAULT_CHOICES } from "./extractChoice.js";
export { extractNumber, numberExtractor } from "./extractNumber.js";
export { normalizeExact, exactExtractor } from "./extractExact.js";
export { clusterExtractor, type ClusterExtractorOptions } from "./clusterExtractor.js";
export { lexicalSimilarity, lexicalSimilarities } from "./lexicalSimilarity.js";
export { embeddingSimilarities } from "./embeddingSimilarity.js";
export { groupAnswers, type AnswerGroup, type AnswerGroups, type GroupAnswersOptions } from "./groupAnswers.js";
export {
  computeConsensus,
  type ComputeConsensusOptions,
  type Consensus,
  type ConsensusGroup,
  type ConsensusMajority,
  type ExpertResponse,
} from "./computeConsensus.js";
export { gateDecision, type GateDecision, type GateDecisionOptions } from "./gateDecision.js";
