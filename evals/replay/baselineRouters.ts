import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

/**
 * A router as the replay sees it: a score per prompt, higher sending it to the strong model sooner. The
 * baselines answer at once; adapted project routers (LLM, embedding) may call a model, hence the promise.
 */
export interface PromptRouter {
  name: string;
  score(prompt: string): number | Promise<number>;
}

/** Words that mark reasoning, math or code, for the keyword router. */
const HARD_WORDS =
  /\b(calculate|compute|how many|how much|prove|derive|solve|equation|probability|percent|integral|algorithm|code|function|why|explain)\b/gi;

/**
 * The simple routers RouteLLM compares against: a random router (seeded), one that sends longer prompts
 * to the strong model, and one that counts reasoning, math and code keywords (ties broken by length).
 *
 * @example
 * const routers = baselineRouters({ seed: 1 });
 * routers.map((router) => router.name); // ["random", "length", "keywords"]
 */
export function baselineRouters({ seed = 1 }: { seed?: number } = {}): PromptRouter[] {
  const rng = xoroshiro128plus(seed);
  const random = () => uniformFloat64(rng);
  return [
    { name: "random", score: () => random() },
    { name: "length", score: (prompt) => prompt.length },
    { name: "keywords", score: (prompt) => (prompt.match(HARD_WORDS)?.length ?? 0) + prompt.length / 1e6 },
  ];
}
