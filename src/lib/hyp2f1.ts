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
  const logZ = Math.log(z)
  // Running log of the current term and of the sum (log-sum-exp, one term at a time).
  let logTerm = 0
  let logSum = 0
  for (let k = 0; k < MAX_TERMS; k++) {
    logTerm += Math.log(a + k) + Math.log(b + k) - Math.log(c + k) - Math.log(k + 1) + logZ
    logSum = logSum >= logTerm
      ? logSum + Math.log1p(Math.exp(logTerm - logSum))
      : logTerm + Math.log1p(Math.exp(logSum - logTerm))
    // Past the peak the terms fall at least geometrically: stop once they no longer move the sum.
    if (logTerm - logSum < LOG_EPSILON && (a + k) * (b + k) * z < (c + k) * (k + 1)) {
      return logSum
    }
  }
  throw new RangeError(`logHyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`)
}

/** ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 (see `logHyp2f1`). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHyp2f1(a, b, c, z))
}

const MAX_TERMS = 200_000
/** A term this far below the sum (relative 1e-16) no longer changes a double. */
const LOG_EPSILON = Math.log(1e-16)
