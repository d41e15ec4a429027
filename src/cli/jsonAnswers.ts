import type { AgentAnswer } from "../state/moaState.js";

/**
 * Agents' records as `--json` prints them: by turn, then in declared order (layer, then the agent's place in
 * its layer), not in the order the calls happened to finish, so two runs of one topology list them alike. A
 * stage expert's inner records follow its own record, in their stage's declared order. Latencies are rounded
 * to 0.1 ms: the clock's further digits are noise.
 *
 * @example
 * const answers = jsonAnswers(report.answers); // [{ layer: 1, agentIndex: 0, latencyMs: 812.4, ... }, ...]
 */
export function jsonAnswers(answers: readonly AgentAnswer[]): AgentAnswer[] {
  const declared = (a: AgentAnswer, b: AgentAnswer) => a.turn - b.turn || a.layer - b.layer || a.agentIndex - b.agentIndex;
  const outer = answers.filter((a) => a.stage === undefined).sort(declared);
  const inner = answers.filter((a) => a.stage !== undefined).sort(declared);
  const placed = new Set<AgentAnswer>();
  const ordered: AgentAnswer[] = [];
  for (const answer of outer) {
    ordered.push(answer);
    for (const member of inner)
      if (member.stage === answer.nodeId && member.turn === answer.turn && !placed.has(member)) {
        ordered.push(member);
        placed.add(member);
      }
  }
  // Inner records whose stage record is missing (a run cut short) are kept, at the end.
  ordered.push(...inner.filter((a) => !placed.has(a)));
  return ordered.map((a) => ({ ...a, latencyMs: Math.round(a.latencyMs * 10) / 10 }));
}
