"use strict"

/** Small number helpers for the bench reports. */

/** The p-th percentile (nearest rank) of a list of numbers; NaN when empty. */
function percentile(values, p) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

function median(values) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** "1.23×" of b over a, "–" when it cannot be said. */
function ratio(b, a) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return "–"
  return `${(b / a).toFixed(2)}×`
}

/** A number for a table: integers above 100, one decimal below. */
function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–"
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US")
  return (Math.round(x * 10) / 10).toString()
}

/**
 * How far a ratio of two percentiles can be trusted: the 5th and 95th percentile of
 * `percentile(b, p) / percentile(a, p)` over `draws` bootstrap resamples of each list
 * (drawn with replacement, the same size). A p95 of a few dozen requests is their
 * third-largest: one slow request more or less moves it by a tenth, which the
 * interval shows. Seeded (a linear congruential generator), so a report is repeatable.
 */
function percentileRatioInterval(a, b, p, { draws = 2000, seed = 1 } = {}) {
  if (!a.length || !b.length) return null
  let state = seed >>> 0
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  const resample = (values) => values.map(() => values[Math.floor(random() * values.length)])
  const ratios = []
  for (let i = 0; i < draws; i++) ratios.push(percentile(resample(b), p) / percentile(resample(a), p))
  return { low: percentile(ratios, 5), high: percentile(ratios, 95) }
}

module.exports = { percentile, median, ratio, fmt, percentileRatioInterval }
