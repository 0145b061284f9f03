import numeric from "numeric"

/**
 * Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models:
 * minimize a mean negative log-likelihood over the logs of the (positive)
 * parameters with `numeric.uncmin` (BFGS with a line search and numerical
 * gradients), restarting from the previous optimum until the likelihood
 * stops improving. Working on logs keeps every parameter positive without
 * constraints, as `lifetimes` does.
 */
export type MleResult = {
  /** The fitted parameters, in the order of `start`. */
  params: number[]
  /** Log-likelihood of the whole data set at `params`. */
  log_likelihood: number
  iterations: number
  converged: boolean
  message: string
}

export function fitMaximumLikelihood(
  /** Sum of log-likelihoods over the data set for positive parameters. */
  logLikelihood: (params: number[]) => number,
  start: number[],
  /** Number of observations: the objective is the mean, for well-scaled tolerances. */
  n: number
): MleResult {
  const objective = (logParams: number[]) => {
    const value = -logLikelihood(logParams.map(Math.exp)) / n
    // BFGS line search halves its step on NaN; +Infinity would poison the gradient.
    return Number.isFinite(value) ? value : 1e10
  }
  let x = start.map(Math.log)
  let best = objective(x)
  let iterations = 0
  let message = ""
  let converged = false
  for (let restart = 0; restart < MAX_RESTARTS; restart++) {
    const result = numeric.uncmin(objective, x, 1e-10, undefined, 2000)
    iterations += result.iterations
    message = result.message
    const improved = best - result.f
    if (result.f <= best) {
      x = result.solution as number[]
      best = result.f
    }
    if (improved < 1e-12) {
      converged = true
      break
    }
  }
  return {
    params: x.map(Math.exp),
    log_likelihood: -best * n,
    iterations,
    converged,
    message,
  }
}

const MAX_RESTARTS = 6
