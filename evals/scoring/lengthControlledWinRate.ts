/** One comparison of the evaluated model's answer with the baseline's. */
export interface LengthedPreference {
  /** How much the judge preferred the model's answer: 1 model, 0 baseline, 0.5 a tie (or a probability). */
  preference: number;
  /** Lengths of the two answers (characters or tokens, the same unit for both). */
  modelLength: number;
  baselineLength: number;
}

/** What {@link lengthControlledWinRate} returns. */
export interface LengthControlledResult {
  /** Mean preference for the model, in percent. */
  winRate: number;
  /** The win rate the fitted model predicts at equal lengths, in percent. */
  lengthControlledWinRate: number;
  /** The fitted intercept and length coefficient. */
  intercept: number;
  lengthWeight: number;
}

/**
 * AlpacaEval-style length-controlled win rate: a logistic model of the preference,
 * `P(model preferred) = σ(θ + φ · tanh(Δ / sd(Δ)))` with Δ the length difference (model − baseline), fitted
 * by maximum likelihood on the (possibly fractional) preferences; the LC win rate is its prediction at
 * zero length difference, `σ(θ)`. A judge that simply prefers longer answers then no longer rewards a
 * model for writing more.
 *
 * @example
 * lengthControlledWinRate(items).lengthControlledWinRate; // e.g. 48.2, where the raw win rate was 61.0
 */
export function lengthControlledWinRate(items: readonly LengthedPreference[]): LengthControlledResult {
  if (items.length === 0) throw new RangeError("no comparisons to score");
  const differences = items.map((item) => item.modelLength - item.baselineLength);
  const mean = differences.reduce((sum, d) => sum + d, 0) / differences.length;
  const sd = Math.sqrt(differences.reduce((sum, d) => sum + (d - mean) ** 2, 0) / differences.length) || 1;
  const x = differences.map((d) => Math.tanh(d / sd));
  const y = items.map((item) => item.preference);
  // Newton's method on the two parameters, with a little ridge so that separable data stays finite.
  let theta = 0;
  let phi = 0;
  const ridge = 1e-6;
  for (let iteration = 0; iteration < 100; iteration++) {
    let g0 = -ridge * theta;
    let g1 = -ridge * phi;
    let h00 = ridge;
    let h01 = 0;
    let h11 = ridge;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(theta + phi * x[i]!);
      const residual = y[i]! - p;
      const w = p * (1 - p);
      g0 += residual;
      g1 += residual * x[i]!;
      h00 += w;
      h01 += w * x[i]!;
      h11 += w * x[i]! * x[i]!;
    }
    const det = h00 * h11 - h01 * h01;
    const step0 = (h11 * g0 - h01 * g1) / det;
    const step1 = (h00 * g1 - h01 * g0) / det;
    theta += step0;
    phi += step1;
    if (Math.abs(step0) + Math.abs(step1) < 1e-12) break;
  }
  return {
    winRate: (100 * y.reduce((sum, v) => sum + v, 0)) / y.length,
    lengthControlledWinRate: 100 * sigmoid(theta),
    intercept: theta,
    lengthWeight: phi,
  };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
