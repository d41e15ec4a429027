import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import { loadConfig } from "../../graphs/loadConfig.js";
import { TABLE_WIDTH } from "../fitColumns.js";
import { shortModelRef } from "../shortModelRef.js";

/** Options of `moa validate`. */
export interface ValidateCommandOptions {
  file: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa validate <file>`: checks a topology file and prints its agents and shape.
 *
 * @example
 * validateCommand({ file: "examples/mosaic.yaml" });
 */
export function validateCommand({ file, stdout = process.stdout }: ValidateCommandOptions): void {
  const topology = loadConfig({ file });
  const agents = [...new Map([...topology.requirements.flat(), ...topology.optional].map((agent) => [agent.id, agent])).values()];
  const width = Math.max(...agents.map((agent) => agent.id.length));
  // Lines stay within 100 columns: long model references (hf: URIs, URLs) keep their tail.
  const modelWidth = Math.max(30, TABLE_WIDTH - width - 2);
  for (const agent of agents) stdout.write(`${agent.id.padEnd(width)}  ${shortModelRef({ ref: agent.modelLabel, max: modelWidth })}\n`);
  const nodes = Object.keys(buildTopologyGraph({ topology }).compile().getGraph().nodes).filter((n) => !n.startsWith("__"));
  const verdict = `${file}: valid ${topology.kind} (nodes: ${nodes.join(", ")})`;
  if ([...verdict].length <= TABLE_WIDTH) {
    stdout.write(`${verdict}\n`);
    return;
  }
  // Many nodes (or a long path) go one per line rather than past the 100th column.
  stdout.write(`${file}: valid ${topology.kind}, ${nodes.length} nodes:\n`);
  for (const node of nodes) stdout.write(`  ${node}\n`);
}
