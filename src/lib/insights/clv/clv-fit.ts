import numeric from "numeric"

/**
 * Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models:
 * minimize a mean negative log-likelihood over the logs of the (positive)
 * parameters with `numeric.uncmin` (BFGS with a line search and numerical
 * gradients), restarting from the previous optimum until the likelihood
 * stops improving. Working on logs keeps every parameter positive without
 * constraints, as `lifetimes` does.
 *
 * A fit is `converged` only when all of these hold: the likelihood is finite
 * at the optimum, the optimizer stopped because its step became smaller than
 * the tolerance (not on an iteration limit or a NaN), a restart no longer
 * improves it, and the gradient there is about zero. Anything else is
 * reported as not converged with the optimizer's message, so callers never
 * take start values or a half-way point for a model.
 */
export type MleResult = {
  /** The fitted parameters, in the order of `start`. */
  params: number[]
  /** Log-likelihood of the whole data set at `params`. */
  log_likelihood: number
  iterations: number
  converged: boolean
  message: string
  /** Largest |∂(mean −log L)/∂ ln θ| at the optimum. */
  gradient_norm: number
  /**
   * Standard errors of ln θ (≈ relative standard errors of θ) from the
   * inverse of the observed information (the Hessian of −log L in ln θ);
   * null when that Hessian is not positive definite (a flat or saddle
   * likelihood: the parameters are not identified by the data).
   */
  log_standard_errors: number[] | null
}

/** Parameters outside [1e-4, 1e5] sit on the edge of what the data can tell apart (0 or ∞). */
export const PARAMETER_EDGE = { low: 1e-4, high: 1e5 }
/** A standard error of ln θ above this (θ uncertain by a factor e² at one SE) means the data do not determine θ. */
export const MAX_LOG_STANDARD_ERROR = 2

/** Messages of `numeric.uncmin` that mean "the step became negligible", i.e. it stopped at a stationary point. */
const STOPPED_AT_OPTIMUM = ["Newton step smaller than tol", "Line search step size smaller than tol"]
/** Per-observation gradient below this is zero for our purposes (the objective is a mean log-likelihood). */
const GRADIENT_TOLERANCE = 1e-4
const MAX_RESTARTS = 6
/** What the objective returns where the likelihood is not finite: BFGS halves its step there. */
const NOT_FINITE = 1e10

export function fitMaximumLikelihood(
  /** Sum of log-likelihoods over the data set for positive parameters. */
  logLikelihood: (params: number[]) => number,
  start: number[],
  /** Number of observations: the objective is the mean, for well-scaled tolerances. */
  n: number,
  options: { maxIterations?: number } = {}
): MleResult {
  const maxIterations = options.maxIterations ?? 2000
  const objective = (logParams: number[]) => {
    const value = -logLikelihood(logParams.map(Math.exp)) / n
    // BFGS line search halves its step on NaN; +Infinity would poison the gradient.
    return Number.isFinite(value) ? value : NOT_FINITE
  }
  let x = start.map(Math.log)
  let best = objective(x)
  if (!(best < NOT_FINITE)) {
    return {
      params: start,
      log_likelihood: Number.NaN,
      iterations: 0,
      converged: false,
      message: "The likelihood is not finite at the start values: nothing to fit",
      gradient_norm: Number.NaN,
      log_standard_errors: null,
    }
  }
  let iterations = 0
  let message = ""
  let settled = false
  for (let restart = 0; restart < MAX_RESTARTS; restart++) {
    const result = numeric.uncmin(objective, x, 1e-10, undefined, maxIterations)
    iterations += result.iterations
    message = result.message || "iteration limit reached"
    const improved = best - result.f
    if (result.f <= best) {
      x = result.solution as number[]
      best = result.f
    }
    if (improved < 1e-12) {
      settled = STOPPED_AT_OPTIMUM.includes(message)
      break
    }
  }
  const gradient = numeric.gradient(objective, x) as number[]
  const gradientNorm = Math.max(...gradient.map(Math.abs))
  const finite = best < NOT_FINITE
  return {
    params: x.map(Math.exp),
    log_likelihood: finite ? -best * n : Number.NaN,
    iterations,
    converged: finite && settled && gradientNorm < GRADIENT_TOLERANCE,
    message: finite ? message : "The likelihood is not finite anywhere the optimizer went",
    gradient_norm: gradientNorm,
    log_standard_errors: finite ? logStandardErrors(objective, x, n) : null,
  }
}

/**
 * √diag(H⁻¹) with H the Hessian of the total −log L in ln θ, by central
 * differences of the mean objective; null unless H is positive definite.
 */
function logStandardErrors(objective: (x: number[]) => number, x: number[], n: number): number[] | null {
  const k = x.length
  const h = 1e-4
  const at = (i: number, di: number, j: number, dj: number) => {
    const y = [...x]
    y[i] += di
    y[j] += dj
    return objective(y)
  }
  const hessian: number[][] = Array.from({ length: k }, () => new Array(k).fill(0))
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const value = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h)
      hessian[i][j] = hessian[j][i] = value * n
    }
  }
  if (!hessian.every((row) => row.every(Number.isFinite))) return null
  // Positive definite ⇔ a Cholesky factorization exists.
  const l: number[][] = Array.from({ length: k }, () => new Array(k).fill(0))
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = hessian[i][j]
      for (let m = 0; m < j; m++) sum -= l[i][m] * l[j][m]
      if (i === j) {
        if (!(sum > 0)) return null
        l[i][i] = Math.sqrt(sum)
      } else {
        l[i][j] = sum / l[j][j]
      }
    }
  }
  const inverse = numeric.inv(hessian) as number[][]
  const errors = inverse.map((row, i) => row[i])
  return errors.every((v) => v > 0 && Number.isFinite(v)) ? errors.map(Math.sqrt) : null
}

/** A summary row of the CLV fits: `x` purchases, standing for `count` customers alike (1 when absent). */
type GroupedRow = { x: number; count?: number }

/** How many customers the rows stand for. */
export const customerCount = (rows: GroupedRow[]) => rows.reduce((n, row) => n + (row.count ?? 1), 0)

/** The mean of `value` over the customers the rows stand for. */
export function customerMean<R extends GroupedRow>(rows: R[], value: (row: R) => number, customers: number): number {
  return rows.reduce((sum, row) => sum + value(row) * (row.count ?? 1), 0) / customers
}

/**
 * The distinct `x` of the rows and each row's index into them: the
 * optimizer evaluates a likelihood thousands of times over thousands of rows,
 * and a store has few distinct x, so terms that depend on the parameters and
 * x only are computed once per distinct x and evaluation.
 */
export function byDistinctX(rows: GroupedRow[]) {
  const distinctX = [...new Set(rows.map((row) => row.x))]
  const slot = new Map(distinctX.map((x, i) => [x, i]))
  return { distinctX, rowSlot: rows.map((row) => slot.get(row.x)!) }
}
