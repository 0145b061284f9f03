/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z), which the BG/NBD
 * conditional expectation needs. No well-kept npm package provides it
 * (`@stdlib` has none), so this is the defining power series
 *
 *   ₂F₁(a, b; c; z) = Σₖ (a)ₖ (b)ₖ / ((c)ₖ k!) zᵏ        (|z| < 1)
 *
 * from Abramowitz & Stegun, *Handbook of Mathematical Functions*, 15.1.1, the
 * way Fader, Hardie & Lee evaluate it in "Implementing the BG/NBD Model for
 * Customer Base Analysis in Excel" (2005, eq. 3 and its note). Each term
 * follows from the previous one by the ratio (a+k)(b+k)/((c+k)(k+1)) · z.
 *
 * It is only used where a, b, c > 0 and 0 ≤ z < 1, so every term is positive:
 * the sum is kept as a logarithm (terms can reach 1e300 for customers with
 * hundreds of orders before they decay), which lets callers multiply by the
 * tiny prefactor in log space instead of overflowing.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) {
    throw new RangeError(`logHyp2f1 needs 0 ≤ z < 1, got ${z}`)
  }
  if (!(a > 0 && b > 0 && c > 0)) {
    throw new RangeError(`logHyp2f1 needs positive a, b, c, got ${a}, ${b}, ${c}`)
  }
  if (z === 0) return 0
  return logSeries(0, 0, a, b, c, z)
}

/**
 * ln of c · (₂F₁(a, b; c; z) − 1) for a, b > 0, c > −1 (c ≠ 0 not needed),
 * 0 < z < 1: the series without its first term, multiplied by c,
 *
 *   c · (₂F₁ − 1) = Σₖ≥₁ (a)ₖ (b)ₖ / ((c+1)ₖ₋₁ k!) zᵏ
 *
 * since (c)ₖ = c · (c+1)ₖ₋₁. Every term is positive for c > −1, so it stays a
 * logarithm, and it is finite at c = 0 and for −1 < c < 0, where ₂F₁ itself
 * has a pole or negative terms. The BG/NBD expectation of a one-time buyer
 * needs c = a + b − 1, which is ≤ 0 whenever a + b ≤ 1 (a U-shaped dropout
 * distribution): it only ever uses (a+b−1) · ₂F₁, which is c + this.
 */
export function logScaledHyp2f1Tail(a: number, b: number, c: number, z: number): number {
  if (!(z > 0 && z < 1)) {
    throw new RangeError(`logScaledHyp2f1Tail needs 0 < z < 1, got ${z}`)
  }
  if (!(a > 0 && b > 0 && c > -1)) {
    throw new RangeError(`logScaledHyp2f1Tail needs a, b > 0 and c > −1, got ${a}, ${b}, ${c}`)
  }
  // First term k = 1: a · b · z; the ratio of consecutive terms is that of ₂F₁'s series.
  const first = Math.log(a) + Math.log(b) + Math.log(z)
  return logSeries(first, 1, a, b, c, z)
}

/**
 * ln Σₖ≥ₖ₀ tₖ with t at k₀ given as a logarithm and
 * tₖ₊₁ / tₖ = (a+k)(b+k) / ((c+k)(k+1)) · z, all terms positive.
 *
 * Summed in linear space relative to the first term, one multiplication per
 * term (a log-sum-exp per term costs six transcendental calls, and scoring
 * evaluates this series five times per customer); when the running sum nears
 * the top of the double range, sum and term are scaled down together and the
 * scale is kept as a logarithm, so no term overflows.
 */
function logSeries(logFirst: number, k0: number, a: number, b: number, c: number, z: number): number {
  let logScale = logFirst
  let term = 1
  let sum = 1
  for (let k = k0; k < k0 + MAX_TERMS; k++) {
    const ratio = ((a + k) * (b + k) * z) / ((c + k) * (k + 1))
    term *= ratio
    sum += term
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE
      term /= RESCALE_ABOVE
      logScale += LOG_RESCALE
    }
    // Past the peak the terms fall at least geometrically: stop once they no longer move the sum.
    if (term < EPSILON * sum && ratio < 1) {
      return logScale + Math.log(sum)
    }
  }
  throw new RangeError(`₂F₁(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`)
}

/** ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 (see `logHyp2f1`). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHyp2f1(a, b, c, z))
}

const MAX_TERMS = 200_000
/** A term this far below the sum (relative 1e-16) no longer changes a double. */
const EPSILON = 1e-16
/** Sum and term are divided by this (and its log added to the scale) before they can overflow. */
const RESCALE_ABOVE = 1e200
const LOG_RESCALE = Math.log(RESCALE_ABOVE)
