/**
 * Prompts `moa profile` measures experts with when neither `--prompts` nor the workload's queries
 * give any: short and long questions of the kinds an expert panel answers, so that prefill and
 * answer length vary a little as they do in a real batch.
 */
export const SAMPLE_PROMPTS: readonly string[] = [
  "Explain in a short paragraph why the sky is blue.",
  "Write a Python function that returns the n-th Fibonacci number, with a docstring.",
  "A train leaves at 14:05 and arrives at 17:50. How long is the journey? Show your reasoning.",
  "Summarise the main causes of the First World War in five bullet points.",
  "What is the difference between a process and a thread? Answer for a new programmer.",
];
